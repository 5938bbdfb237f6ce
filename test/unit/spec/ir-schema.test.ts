// generator/ir/schema.json is strict: a hand-broken IR is an internal error naming the bad path.
import { describe, expect, it } from 'vitest';
import type { SpecIR } from '../../../generator/ir/types.ts';
import { validateIr } from '../../../generator/ir/validate-ir.ts';
import { seedIr } from '../../helpers/seed-spec.ts';

// The frozen seed (test/fixtures/seed-spec/): the indexes below must not move when a CR lands.
const seed = async (): Promise<SpecIR> => structuredClone(seedIr());

describe('IR schema', () => {
  it('accepts the seed IR', async () => {
    expect(validateIr(await seed())).toEqual([]);
  });

  it('rejects an unknown property (additionalProperties: false)', async () => {
    const ir = (await seed()) as unknown as { rules: Record<string, unknown>[] };
    ir.rules[0]!['priority'] = 1;
    const diagnostics = validateIr(ir);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'internal-error', severity: 'error', location: null });
    expect(diagnostics[0]?.message).toMatch(/^internal error \(toolchain bug\).*\/rules\/0 must NOT have additional properties.*priority/);
  });

  it('rejects a wrong modality, a missing field and a bad guard, all at once', async () => {
    const ir = (await seed()) as unknown as { rules: Record<string, unknown>[]; attributes: Record<string, unknown>[] };
    ir.rules[1]!['modality'] = 'MUST';
    delete ir.attributes[0]!['example'];
    ir.rules[6]!['guard'] = { kind: 'and', operands: [] };
    const paths = validateIr(ir).map((d) => /: (\/\S*) /.exec(d.message)?.[1]);
    expect(paths).toEqual(expect.arrayContaining(['/rules/1/modality', '/attributes/0', '/rules/6/guard']));
  });

  it('rejects a wrong irVersion', async () => {
    const ir = { ...(await seed()), irVersion: 2 };
    expect(validateIr(ir)[0]?.message).toMatch(/\/irVersion must be equal to constant/);
  });
});
