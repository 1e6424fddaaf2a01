/**
 * Keeps the README honest: the contract example it shows is run on the reference machine, which must
 * return exactly the observations the README documents, and agree with the specification.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceMachine } from '../../models/reference/index.ts';
import { checkTrace } from './check.ts';
import { validateTrace } from './trace-validation.ts';

function readmeExample(): { trace: unknown; observations: unknown } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```jsonc\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README has no jsonc contract example');
  const withoutComments = block.replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const [traceText, resultText] = withoutComments.split(/\n\s*\n?(?=\{\s*\n\s*"observations")/);
  const result = JSON.parse((resultText ?? '').replace(/"memory": \[\s*\]/, '"memory": []')) as { observations: unknown };
  return { trace: JSON.parse(traceText ?? ''), observations: result.observations };
}

describe('the README contract example', () => {
  it('is a valid trace whose documented observations the reference machine returns', async () => {
    const { trace, observations } = readmeExample();
    const valid = validateTrace(trace);
    const check = await checkTrace(referenceMachine, valid);
    expect(check.divergence).toBeNull();
    expect(check.result?.observations).toEqual(observations);
  });
});
