// Loads the handlebars templates shipped with the generator, compiled in strict mode so a template
// that names a missing field is an internal error rather than silently empty output.
import { readFileSync, readdirSync } from 'node:fs';
import Handlebars from 'handlebars';

const templateDir = new URL('../../templates/', import.meta.url);
let compiled: Map<string, Handlebars.TemplateDelegate> | null = null;

function load(): Map<string, Handlebars.TemplateDelegate> {
  const engine = Handlebars.create();
  const partialDir = new URL('partials/', templateDir);
  for (const name of readdirSync(partialDir).filter((f) => f.endsWith('.hbs')).sort()) {
    engine.registerPartial(name.replace(/\.hbs$/, ''), readFileSync(new URL(name, partialDir), 'utf8'));
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const name of readdirSync(templateDir).filter((f) => f.endsWith('.hbs')).sort()) {
    templates.set(name, engine.compile(readFileSync(new URL(name, templateDir), 'utf8'), { strict: true, noEscape: true }));
  }
  return templates;
}

/** Renders `templates/<name>`; throws an internal error naming the template and the cause. */
export function renderTemplate(name: string, data: object): string {
  compiled ??= load();
  const template = compiled.get(name);
  if (template === undefined) throw new Error(`internal error: no template templates/${name}`);
  try {
    return template(data);
  } catch (error) {
    throw new Error(`internal error: template templates/${name} failed: ${(error as Error).message}`, { cause: error });
  }
}
