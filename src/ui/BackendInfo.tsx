// Which backend was asked for (URL ?backend=) and any notice about it.
import { deviceCores, pageIsolated, threadsPolicyText } from '../sched/threads';
import { requestedBackend } from '../store/backendParam';
import { useRunsStore } from '../store/runsStore';

export function BackendInfo() {
  const notices = useRunsStore((s) => s.notices);
  const { backend, warning } = requestedBackend();
  return (
    <div className="backend-info">
      <span>
        Backend: <strong>{backend === 'auto' ? 'automatic (webgpu → webgl → wasm → cpu)' : backend}</strong>
        {backend !== 'auto' && ' (from the URL)'}; each run shows the one it got.
      </span>{' '}
      <span className="backend-threads">
        {threadsPolicyText(pageIsolated(), deviceCores())}.
      </span>
      {warning && <p className="notice">{warning}</p>}
      {notices.map((n) => (
        <p key={n} className="notice">
          {n}
        </p>
      ))}
    </div>
  );
}
