/** What went wrong with a form or a page's request, read out as it appears; nothing when all is well. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}
