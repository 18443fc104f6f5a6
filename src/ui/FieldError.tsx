// The message shown next to a field whose input was refused.
export function FieldError({ id, message }: { id: string; message?: string }) {
  return (
    <span id={id} className="field-error" aria-live="off">
      {message ?? ''}
    </span>
  );
}
