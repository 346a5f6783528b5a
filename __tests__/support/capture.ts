// Captures what @actions/core writes to stdout while `fn` runs (in-process tests of src modules).
export async function captureOutput<T>(
  fn: () => Promise<T>
): Promise<{ result?: T; error?: unknown; output: string }> {
  const chunks: string[] = []
  const original = process.stdout.write.bind(process.stdout)
  // @actions/core writes strings; node:test's own protocol (binary) must still reach the runner.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return original(chunk, ...(rest as []))
    chunks.push(chunk)
    const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as typeof process.stdout.write
  try {
    const result = await fn()
    return { result, output: chunks.join('') }
  } catch (error) {
    return { error, output: chunks.join('') }
  } finally {
    process.stdout.write = original
  }
}
