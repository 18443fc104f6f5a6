// The tfjs backends a Node entry point (train, sweep) can use, without importing tfjs: the command lines
// check --backend before they load anything.
export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

export function isNodeBackendName(name: string | undefined): name is NodeBackendName {
  return (NODE_BACKENDS as readonly string[]).includes(name ?? '');
}
