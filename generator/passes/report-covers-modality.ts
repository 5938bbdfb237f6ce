// A rule's `covers` quote is the CR sentence it implements; when the quote carries a modal verb
// (SHALL, SHALL NOT, SHOULD, SHOULD NOT, MAY) and the rule's modality is another one, the rule no
// longer says what the sentence says: typically a CR's `modify` changed the modality and kept the
// old quote. A warning at the modality (the one a later CR wrote, if any), with the quote in a note.
import { collapse, modalityOf } from '../coverage/extract-statements.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

export function reportCoversModality(model: SpecModel, session: Session): void {
  for (const rule of model.rules.values()) {
    for (const cover of rule.covers) {
      const quoted = modalityOf(collapse(cover.quote));
      if (quoted === null || quoted === rule.modality.value) continue;
      session.warning(
        'covers-modality-mismatch',
        `rule '${rule.id}' is ${rule.modality.value}, but the CR sentence it covers says ${quoted}: change the modality or the covers quote`,
        rule.modality.location,
        [{ message: `the covers quote "${cover.quote}"`, location: cover.location }],
      );
    }
  }
}
