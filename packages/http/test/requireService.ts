// The real services come from scripts/with-services.sh. Without one: in CI the test fails, on a
// developer's machine it is skipped with a loud warning that says how to run it.

/** The variable's value, or undefined (after a loud warning) when it is absent outside CI. */
export const requireService = (name: string): string | undefined => {
  const value = process.env[name]
  if (value !== undefined && value !== "") return value
  if (process.env.CI)
    throw new Error(`${name} is not set: CI must run the tests through scripts/with-services.sh`)
  console.warn(
    `\n*** ${name} is not set: skipping the tests that need it. Run them with\n` +
      "*** bash scripts/with-services.sh bash -c 'cd packages/http && npx vitest run'\n",
  )
  return undefined
}
