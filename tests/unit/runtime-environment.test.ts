import { describe, expect, it } from 'vitest';

describe('the unit-test environments', () => {
  it('run edge/ under the runtime their project names (edge sandbox vs plain Node)', ({ task }) => {
    const isEdge = typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string';
    expect(task.file.projectName).toMatch(/^unit-(edge|node)$/);
    expect(isEdge).toBe(task.file.projectName === 'unit-edge');
  });
});
