// The names of the board's actions, apart from what they do: matching a path needs only the
// names, and what the actions do (through @ir/responder) loads when a board is created.

/** The actions of the board, as the last segment of their path. */
export const boardActions = ["ack", "update", "flag", "mitigate", "resolve", "step"] as const
export type BoardAction = (typeof boardActions)[number]

export const isBoardAction = (name: string): name is BoardAction =>
  (boardActions as ReadonlyArray<string>).includes(name)
