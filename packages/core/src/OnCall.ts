/**
 * On-call schedules as data, and who is on call at an instant.
 *
 * A schedule has two layers, `primary` and `secondary`. What decides a layer at an instant, first
 * match wins:
 *
 * 1. an **override** of that layer covering the instant (the last one listed, when several do);
 * 2. an explicit **shift** of that layer covering it (the last one listed): what an iCalendar or
 *    PagerDuty import produces, or a one-off written by hand;
 * 3. the layer's **rotation**: members take turns, each for the rotation's `length`, handing off
 *    at the `handoff` time on the wall clock of the rotation's IANA time zone. A rotation starts
 *    at its first handoff (on `start`, or the first `weekday` on or after `start`) and runs until
 *    a rotation of the same layer with a later first handoff takes over: to change a rotation,
 *    add the new one with a later `start`.
 *
 * Handoffs are wall-clock times: a 09:00 handoff is at 09:00 local time before and after a DST
 * change, so the shift that spans the change is an hour shorter or longer. A handoff that falls in
 * the spring-forward gap moves forward by the gap (02:30 becomes 03:30), and one that falls in the
 * autumn overlap takes the earlier of the two instants. Shift lengths in hours count wall-clock
 * hours as well (12h shifts hand off at 09:00 and 21:00 every day).
 *
 * Every function here is pure: time comes in as an argument.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const schedule = Schema.decodeUnknownSync(OnCall.OnCallSchedule)({
 *   people: [{ id: "ada", email: "ada@example.com" }, { id: "grace", phone: "+1-555-0111" }],
 *   rotations: [{
 *     id: "weekly", layer: "primary", members: ["ada", "grace"], timeZone: "Europe/Berlin",
 *     start: "2026-11-30", weekday: "monday", handoff: "09:00", length: "weekly",
 *   }],
 * })
 * const answer = OnCall.whoIsOnCall(schedule, new Date("2026-12-08T07:59:59.999Z"))
 * answer.primary.current?.person.id // "grace"
 * answer.primary.current?.until // 2026-12-14T08:00:00.000Z: Monday 09:00 in Berlin
 * answer.primary.next?.person.id // "ada"
 * ```
 */
import * as Schema from "effect/Schema"
import { CalendarDate, ClockTime, TimeZone } from "./BusinessCalendar.js"
import { closest, type Segment, show } from "./internal/issueFormatter.js"
import {
  addDays,
  type CivilDate,
  clockMillis,
  fromLocal,
  fromWallMillis,
  isoWeekday,
  parseDate,
  toLocal,
  wallMillis,
} from "./internal/ZonedTime.js"

const HOUR = 3_600_000
const DAY = 86_400_000

/**
 * A layer of the schedule: who is paged first, and who backs them up.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.Layer.literals // ["primary", "secondary"]
 * ```
 */
export const Layer = Schema.Literal("primary", "secondary")
export type Layer = typeof Layer.Type

/**
 * The layers, primary first.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.layers // ["primary", "secondary"]
 * ```
 */
export const layers: ReadonlyArray<Layer> = Layer.literals

/**
 * How a person is named in a schedule: an id of your choosing, e.g. `ada`.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.PersonId)("ada")
 * ```
 */
export const PersonId = Schema.String.pipe(
  Schema.pattern(/^\S(?:.*\S)?$/, {
    message: () => 'expected a person id such as "ada" (not empty, no spaces around it)',
  }),
)

/**
 * A moment written with its zone: `2026-12-24T18:00:00+01:00` or `2026-12-24T17:00:00Z`.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.Instant)("2026-12-24T18:00:00+01:00") // a Date
 * ```
 */
export const Instant = Schema.compose(
  Schema.String.pipe(
    Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i, {
      message: () => 'expected a time with a zone, such as "2026-12-24T18:00:00+01:00"',
    }),
  ),
  Schema.Date,
)

/**
 * Who to page in PagerDuty for a person: their user id, or the escalation policy that reaches them.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.PagerDutyTarget)({ userId: "PABC123" })
 * ```
 */
export const PagerDutyTarget = Schema.Struct({
  /** The PagerDuty user id, e.g. `PABC123`. */
  userId: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[A-Z0-9]+$/, { message: () => 'expected a PagerDuty id such as "PABC123"' }),
    ),
  ),
  /** The PagerDuty escalation policy id that reaches the person, e.g. `PESC042`. */
  escalationPolicyId: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[A-Z0-9]+$/, { message: () => 'expected a PagerDuty id such as "PESC042"' }),
    ),
  ),
}).pipe(
  Schema.filter(
    (target) => target.userId !== undefined || target.escalationPolicyId !== undefined,
    {
      message: () => "expected userId, escalationPolicyId or both",
    },
  ),
)
export type PagerDutyTarget = typeof PagerDutyTarget.Type

/**
 * A person who can be on call, and every way to reach them.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.Person)({
 *   id: "ada", name: "Ada Lovelace", email: "ada@example.com", phone: "+1-555-0111",
 *   slackUserId: "U024BE7LH", pagerDuty: { userId: "PABC123" },
 * })
 * ```
 */
export const Person = Schema.Struct({
  id: PersonId,
  name: Schema.optional(Schema.String),
  email: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[^\s@]+@[^\s@]+$/, {
        message: () => 'expected an e-mail address such as "ada@example.com"',
      }),
    ),
  ),
  phone: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^\+?\d[\d ().-]*\d$/, {
        message: () => 'expected a phone number such as "+1-555-0101"',
      }),
    ),
  ),
  /** The Slack member id (Profile → Copy member ID), e.g. `U024BE7LH`. */
  slackUserId: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[UW][A-Z0-9]{2,}$/, {
        message: () => 'expected a Slack member id such as "U024BE7LH"',
      }),
    ),
  ),
  pagerDuty: Schema.optional(PagerDutyTarget),
})
export type Person = typeof Person.Type

/**
 * A day of the week, for weekly handoffs.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.Weekday.literals[0] // "monday"
 * ```
 */
export const Weekday = Schema.Literal(
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
)
export type Weekday = typeof Weekday.Type

const lengthPattern = /^(?:daily|weekly|([1-9]\d{0,3})([hdw]))$/

/**
 * How long each member's turn lasts: `daily`, `weekly`, or a number of hours, days or weeks
 * (`12h`, `3d`, `2w`), counted on the wall clock.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.ShiftLength)("12h")
 * ```
 */
export const ShiftLength = Schema.String.pipe(
  Schema.pattern(lengthPattern, {
    message: () => 'expected "daily", "weekly" or a length such as "12h", "3d" or "2w"',
  }),
)

/** Wall-clock milliseconds of a shift length. */
const lengthMillis = (length: string): number => {
  if (length === "daily") return DAY
  if (length === "weekly") return 7 * DAY
  const match = lengthPattern.exec(length)
  const count = Number(match?.[1] ?? 1)
  const unit = match?.[2] === "h" ? HOUR : match?.[2] === "w" ? 7 * DAY : DAY
  return count * unit
}

/**
 * A rotation: members take turns on one layer.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.Rotation)({
 *   id: "follow-the-sun", layer: "secondary", members: ["ada", "grace"],
 *   timeZone: "America/New_York", start: "2026-12-01", handoff: "08:00", length: "12h",
 * })
 * ```
 */
export const Rotation = Schema.Struct({
  id: Schema.String,
  layer: Schema.optionalWith(Layer, { default: () => "primary" as const }),
  /** Person ids (see `people`), in the order they take turns. */
  members: Schema.Array(PersonId).pipe(
    Schema.minItems(1, { message: () => "expected at least one member" }),
  ),
  /** The IANA time zone handoffs are read in, e.g. `Europe/Berlin`. */
  timeZone: TimeZone,
  /** The local date the rotation starts: the first member's turn begins on it (or on the first `weekday` from it). */
  start: CalendarDate,
  /** The local time of every handoff, e.g. `09:00`. */
  handoff: ClockTime,
  /** The weekday of the first handoff (weekly rotations), e.g. `monday`. */
  weekday: Schema.optional(Weekday),
  length: ShiftLength,
})
export type Rotation = typeof Rotation.Type

/**
 * A person on call for a layer during a window, whatever the rotation says.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.Override)({
 *   person: "grace", layer: "primary",
 *   from: "2026-12-24T18:00:00+01:00", until: "2026-12-27T09:00:00+01:00", note: "swap with Ada",
 * })
 * ```
 */
export const Override = Schema.Struct({
  person: PersonId,
  layer: Schema.optionalWith(Layer, { default: () => "primary" as const }),
  from: Instant,
  until: Instant,
  note: Schema.optional(Schema.String),
})
export type Override = typeof Override.Type

/**
 * One explicit shift: a person on call for a layer from one moment until another. Imports
 * (iCalendar, PagerDuty) produce these; rotations produce theirs on the fly.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(OnCall.Shift)({
 *   person: "ada", from: "2026-12-07T08:00:00Z", until: "2026-12-14T08:00:00Z",
 * })
 * ```
 */
export const Shift = Schema.Struct({
  person: PersonId,
  layer: Schema.optionalWith(Layer, { default: () => "primary" as const }),
  from: Instant,
  until: Instant,
  /** Where the shift came from, e.g. `oncall.ics: UID 42@pagerduty.com`. */
  source: Schema.optional(Schema.String),
})
export type Shift = typeof Shift.Type

/**
 * The on-call schedule: people and their contacts, rotations, explicit shifts and overrides.
 * Every part is optional; the empty schedule has nobody on call.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const schedule = Schema.decodeUnknownSync(OnCall.OnCallSchedule)({
 *   people: [{ id: "ada" }],
 *   rotations: [{ id: "solo", members: ["ada"], timeZone: "UTC", start: "2026-12-01", handoff: "09:00", length: "daily" }],
 * })
 * ```
 */
export const OnCallSchedule = Schema.Struct({
  people: Schema.optionalWith(Schema.Array(Person), { default: () => [] }),
  rotations: Schema.optionalWith(Schema.Array(Rotation), { default: () => [] }),
  shifts: Schema.optionalWith(Schema.Array(Shift), { default: () => [] }),
  overrides: Schema.optionalWith(Schema.Array(Override), { default: () => [] }),
})
export type OnCallSchedule = typeof OnCallSchedule.Type

/**
 * The schedule with nobody on it.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.whoIsOnCall(OnCall.empty, new Date(0)).primary.current // undefined
 * ```
 */
export const empty: OnCallSchedule = { people: [], rotations: [], shifts: [], overrides: [] }

// ---------------------------------------------------------------------------------------------
// Checks the schema cannot express.

/**
 * One problem of a schedule: the path inside it and what was expected.
 *
 * @example
 * ```ts
 * import type { OnCall } from "@ir/core"
 * const issue: OnCall.ScheduleIssue = {
 *   path: ["rotations", 0, "members", 1],
 *   message: 'expected the id of a person under people ("ada"); got "grce" (did you mean "grace"?)',
 * }
 * ```
 */
export interface ScheduleIssue {
  readonly path: ReadonlyArray<Segment>
  readonly message: string
}

const weekdayNumber: Record<Weekday, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
}

/**
 * What a decoded schedule still gets wrong: ids used twice, members and overrides naming nobody
 * under `people`, dates that name no day, windows that end before they start, a `weekday` on a
 * rotation whose turns are not whole weeks.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.scheduleIssues(OnCall.empty) // []
 * ```
 */
export const scheduleIssues = (schedule: OnCallSchedule): ReadonlyArray<ScheduleIssue> => {
  const out: Array<ScheduleIssue> = []
  const ids = schedule.people.map((person) => person.id)
  const firstPerson = new Map<string, number>()
  schedule.people.forEach((person, index) => {
    const earlier = firstPerson.get(person.id)
    if (earlier === undefined) firstPerson.set(person.id, index)
    else
      out.push({
        path: ["people", index, "id"],
        message: `expected a unique person id; ${show(person.id)} is also people[${earlier}].id`,
      })
  })
  const known = (id: string, path: ReadonlyArray<Segment>) => {
    if (firstPerson.has(id)) return
    const suggestion = closest(id, ids)
    out.push({
      path,
      message: `expected the id of a person under people${ids.length === 0 ? " (there are none: add the person there with their contacts)" : ` (${ids.map((name) => JSON.stringify(name)).join(", ")})`}; got ${show(id)}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`,
    })
  }
  const firstRotation = new Map<string, number>()
  schedule.rotations.forEach((rotation, index) => {
    const earlier = firstRotation.get(rotation.id)
    if (earlier === undefined) firstRotation.set(rotation.id, index)
    else
      out.push({
        path: ["rotations", index, "id"],
        message: `expected a unique rotation id; ${show(rotation.id)} is also rotations[${earlier}].id`,
      })
    rotation.members.forEach((member, m) => {
      known(member, ["rotations", index, "members", m])
    })
    if (parseDate(rotation.start) === undefined)
      out.push({
        path: ["rotations", index, "start"],
        message: `expected a date of the calendar such as "2026-11-30"; got ${show(rotation.start)}`,
      })
    if (rotation.weekday !== undefined && lengthMillis(rotation.length) % (7 * DAY) !== 0)
      out.push({
        path: ["rotations", index, "weekday"],
        message: `expected no weekday: turns of ${show(rotation.length)} are not whole weeks (the handoff weekday would move)`,
      })
  })
  const windows = (section: "shifts" | "overrides", list: ReadonlyArray<Shift | Override>) => {
    list.forEach((window, index) => {
      known(window.person, [section, index, "person"])
      if (!(window.until.getTime() > window.from.getTime()))
        out.push({
          path: [section, index, "until"],
          message: `expected a time after from (${window.from.toISOString()}); got ${window.until.toISOString()}`,
        })
    })
  }
  windows("shifts", schedule.shifts)
  windows("overrides", schedule.overrides)
  return out
}

// ---------------------------------------------------------------------------------------------
// Rotations on the wall clock.

interface RotationPlan {
  readonly rotation: Rotation
  /** Wall-clock milliseconds (see `wallMillis`) of the first handoff. */
  readonly anchorWall: number
  readonly lengthWall: number
  /** The instant of the first handoff. */
  readonly firstHandoff: number
  readonly listed: number
}

const firstHandoffDate = (rotation: Rotation): CivilDate => {
  const start = parseDate(rotation.start) ?? { year: 1970, month: 1, day: 1 }
  if (rotation.weekday === undefined) return start
  const shift = (weekdayNumber[rotation.weekday] - isoWeekday(start) + 7) % 7
  return addDays(start, shift)
}

const planOf = (rotation: Rotation, listed: number): RotationPlan => {
  const anchorWall = wallMillis(firstHandoffDate(rotation), clockMillis(rotation.handoff))
  return {
    rotation,
    anchorWall,
    lengthWall: lengthMillis(rotation.length),
    firstHandoff: fromLocal(rotation.timeZone, fromWallMillis(anchorWall)).getTime(),
    listed,
  }
}

/** The instant of handoff `k` (0 = the first). */
const handoffAt = (plan: RotationPlan, k: number): number =>
  fromLocal(plan.rotation.timeZone, fromWallMillis(plan.anchorWall + k * plan.lengthWall)).getTime()

/** The turn in progress at `t`: -1 before the first handoff. */
const turnAt = (plan: RotationPlan, t: number): number => {
  const local = toLocal(plan.rotation.timeZone, new Date(t))
  const wall = wallMillis(local.date, local.timeOfDay)
  let k = Math.max(-1, Math.floor((wall - plan.anchorWall) / plan.lengthWall))
  // The wall clock is a good guess; a DST change near a handoff can put it one turn off.
  while (k >= 0 && handoffAt(plan, k) > t) k--
  while (handoffAt(plan, k + 1) <= t) k++
  return k
}

// ---------------------------------------------------------------------------------------------
// Who is on call.

/**
 * What puts a person on call: an override, an explicit shift, or a rotation's turn.
 *
 * @example
 * ```ts
 * import type { OnCall } from "@ir/core"
 * const via: OnCall.Via = { kind: "rotation", rotation: "weekly", turn: 3 }
 * ```
 */
export type Via =
  | { readonly kind: "override"; readonly index: number; readonly note?: string }
  | { readonly kind: "shift"; readonly index: number; readonly source?: string }
  | { readonly kind: "rotation"; readonly rotation: string; readonly turn: number }

interface Pick {
  readonly personId: string
  readonly via: Via
}

interface Prepared {
  readonly schedule: OnCallSchedule
  readonly people: ReadonlyMap<string, Person>
  readonly plans: Readonly<Record<Layer, ReadonlyArray<RotationPlan>>>
}

const prepare = (schedule: OnCallSchedule): Prepared => {
  const plans = (layer: Layer) =>
    schedule.rotations
      .map((rotation, listed) => ({ rotation, listed }))
      .filter(({ rotation }) => rotation.layer === layer)
      .map(({ rotation, listed }) => planOf(rotation, listed))
      // Later first handoffs take over; of two starting together, the one listed later.
      .sort((a, b) => a.firstHandoff - b.firstHandoff || a.listed - b.listed)
  const people = new Map<string, Person>()
  for (const person of schedule.people) if (!people.has(person.id)) people.set(person.id, person)
  return { schedule, people, plans: { primary: plans("primary"), secondary: plans("secondary") } }
}

const covering = <W extends Shift | Override>(
  list: ReadonlyArray<W>,
  layer: Layer,
  t: number,
): { readonly window: W; readonly index: number } | undefined => {
  for (let index = list.length - 1; index >= 0; index--) {
    const window = list[index]
    if (
      window !== undefined &&
      window.layer === layer &&
      window.from.getTime() <= t &&
      t < window.until.getTime()
    )
      return { window, index }
  }
  return undefined
}

const assigneeAt = (prepared: Prepared, layer: Layer, t: number): Pick | undefined => {
  const override = covering(prepared.schedule.overrides, layer, t)
  if (override !== undefined)
    return {
      personId: override.window.person,
      via: {
        kind: "override",
        index: override.index,
        ...(override.window.note === undefined ? {} : { note: override.window.note }),
      },
    }
  const shift = covering(prepared.schedule.shifts, layer, t)
  if (shift !== undefined)
    return {
      personId: shift.window.person,
      via: {
        kind: "shift",
        index: shift.index,
        ...(shift.window.source === undefined ? {} : { source: shift.window.source }),
      },
    }
  let active: RotationPlan | undefined
  for (const plan of prepared.plans[layer]) if (plan.firstHandoff <= t) active = plan
  if (active === undefined) return undefined
  const turn = turnAt(active, t)
  const members = active.rotation.members
  const personId = members[turn % members.length]
  return personId === undefined
    ? undefined
    : { personId, via: { kind: "rotation", rotation: active.rotation.id, turn } }
}

/** The earliest moment after `t` at which the layer may change hands. */
const nextBoundary = (prepared: Prepared, layer: Layer, t: number): number | undefined => {
  let best: number | undefined
  const consider = (candidate: number) => {
    if (candidate > t && (best === undefined || candidate < best)) best = candidate
  }
  for (const list of [prepared.schedule.overrides, prepared.schedule.shifts])
    for (const window of list)
      if (window.layer === layer) {
        consider(window.from.getTime())
        consider(window.until.getTime())
      }
  for (const plan of prepared.plans[layer])
    consider(t < plan.firstHandoff ? plan.firstHandoff : handoffAt(plan, turnAt(plan, t) + 1))
  return best
}

/** The latest moment at or before `t` at which the layer may have changed hands. */
const previousBoundary = (prepared: Prepared, layer: Layer, t: number): number | undefined => {
  let best: number | undefined
  const consider = (candidate: number) => {
    if (candidate <= t && (best === undefined || candidate > best)) best = candidate
  }
  for (const list of [prepared.schedule.overrides, prepared.schedule.shifts])
    for (const window of list)
      if (window.layer === layer) {
        consider(window.from.getTime())
        consider(window.until.getTime())
      }
  for (const plan of prepared.plans[layer])
    if (plan.firstHandoff <= t) consider(handoffAt(plan, turnAt(plan, t)))
  return best
}

/**
 * A person's stretch on call for a layer: from when, until when, and what put them there. `from`
 * and `until` are absent when the stretch reaches past the horizon looked at (a one-person
 * rotation never hands off).
 *
 * @example
 * ```ts
 * import type { OnCall } from "@ir/core"
 * const stint: OnCall.Assignment = {
 *   layer: "primary", person: { id: "ada", email: "ada@example.com" },
 *   from: new Date("2026-12-07T08:00:00Z"), until: new Date("2026-12-14T08:00:00Z"),
 *   via: { kind: "rotation", rotation: "weekly", turn: 1 },
 * }
 * ```
 */
export interface Assignment {
  readonly layer: Layer
  readonly person: Person
  readonly from?: Date
  readonly until?: Date
  readonly via: Via
}

/**
 * One layer at an instant: who is on call (`current`, absent when nobody is) and who takes over
 * next.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * const layer: OnCall.LayerAnswer = OnCall.whoIsOnCall(OnCall.empty, new Date(0)).secondary
 * layer.current // undefined
 * ```
 */
export interface LayerAnswer {
  readonly layer: Layer
  readonly current?: Assignment
  readonly next?: Assignment
}

/**
 * Who is on call at an instant, layer by layer.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * const answer: OnCall.OnCallAnswer = OnCall.whoIsOnCall(OnCall.empty, new Date(0))
 * answer.primary.next // undefined: nobody is scheduled
 * ```
 */
export interface OnCallAnswer {
  readonly at: Date
  readonly primary: LayerAnswer
  readonly secondary: LayerAnswer
}

/**
 * Options of {@link whoIsOnCall}.
 *
 * @example
 * ```ts
 * import type { OnCall } from "@ir/core"
 * const options: OnCall.WhoIsOnCallOptions = { horizonDays: 90 }
 * ```
 */
export interface WhoIsOnCallOptions {
  /** How far before and after the instant to look for handoffs. Default 366 days. */
  readonly horizonDays?: number
}

// A rotation of one-hour turns makes 24 boundaries a day: a year of them is plenty.
const maxSteps = 20_000

const personOf = (prepared: Prepared, id: string): Person => prepared.people.get(id) ?? { id }

/** The first moment after `t`, within the horizon, at which `differs` holds of the assignee. */
const firstChangeAfter = (
  prepared: Prepared,
  layer: Layer,
  t: number,
  limit: number,
  differs: (pick: Pick | undefined) => boolean,
): { readonly at: number; readonly pick: Pick | undefined } | undefined => {
  let cursor = t
  for (let step = 0; step < maxSteps; step++) {
    const boundary = nextBoundary(prepared, layer, cursor)
    if (boundary === undefined || boundary > limit) return undefined
    const pick = assigneeAt(prepared, layer, boundary)
    if (differs(pick)) return { at: boundary, pick }
    cursor = boundary
  }
  return undefined
}

const startOfStint = (
  prepared: Prepared,
  layer: Layer,
  t: number,
  personId: string,
  limit: number,
): number | undefined => {
  let cursor = t
  for (let step = 0; step < maxSteps; step++) {
    const boundary = previousBoundary(prepared, layer, cursor)
    if (boundary === undefined || boundary < limit) return undefined
    if (assigneeAt(prepared, layer, boundary - 1)?.personId !== personId) return boundary
    cursor = boundary - 1
  }
  return undefined
}

const answerLayer = (prepared: Prepared, layer: Layer, t: number, horizon: number): LayerAnswer => {
  const limit = t + horizon
  const stintFrom = (at: number, pick: Pick, from: number | undefined): Assignment => {
    const end = firstChangeAfter(
      prepared,
      layer,
      at,
      limit,
      (other) => other?.personId !== pick.personId,
    )
    return {
      layer,
      person: personOf(prepared, pick.personId),
      ...(from === undefined ? {} : { from: new Date(from) }),
      ...(end === undefined ? {} : { until: new Date(end.at) }),
      via: pick.via,
    }
  }
  const now = assigneeAt(prepared, layer, t)
  const current =
    now === undefined
      ? undefined
      : stintFrom(t, now, startOfStint(prepared, layer, t, now.personId, t - horizon))
  // Next: the first person on call after the current stretch (after a gap, if there is one).
  const onCall = (pick: Pick | undefined) => pick !== undefined
  let following: { readonly at: number; readonly pick: Pick | undefined } | undefined
  if (current === undefined) following = firstChangeAfter(prepared, layer, t, limit, onCall)
  else if (current.until !== undefined) {
    const after = current.until.getTime()
    const pick = assigneeAt(prepared, layer, after)
    following =
      pick !== undefined
        ? { at: after, pick }
        : firstChangeAfter(prepared, layer, after, limit, onCall)
  }
  const next =
    following?.pick === undefined
      ? undefined
      : stintFrom(following.at, following.pick, following.at)
  return {
    layer,
    ...(current === undefined ? {} : { current }),
    ...(next === undefined ? {} : { next }),
  }
}

/**
 * Who is on call at `at`, for each layer: the person, since when and until when they are (the
 * next change of hands, which may be an override starting or ending mid-turn), what put them
 * there, and who comes next. Pure: the same schedule and instant always give the same answer.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const schedule = Schema.decodeUnknownSync(OnCall.OnCallSchedule)({
 *   people: [{ id: "ada" }, { id: "grace" }],
 *   rotations: [{ id: "daily", members: ["ada", "grace"], timeZone: "America/New_York",
 *     start: "2026-03-07", handoff: "09:00", length: "daily" }],
 * })
 * // Sunday 8 March 2026, clocks went forward overnight: the handoff is still 09:00 EDT.
 * OnCall.whoIsOnCall(schedule, new Date("2026-03-08T12:59:59.999Z")).primary.current?.person.id // "grace"
 * OnCall.whoIsOnCall(schedule, new Date("2026-03-08T13:00:00Z")).primary.current?.person.id // "ada"
 * ```
 */
export const whoIsOnCall = (
  schedule: OnCallSchedule,
  at: Date,
  options: WhoIsOnCallOptions = {},
): OnCallAnswer => {
  const prepared = prepare(schedule)
  const horizon = (options.horizonDays ?? 366) * DAY
  const t = at.getTime()
  return {
    at,
    primary: answerLayer(prepared, "primary", t, horizon),
    secondary: answerLayer(prepared, "secondary", t, horizon),
  }
}

/**
 * Who is on call for a layer between two instants, as consecutive stretches (a stretch per person,
 * however many turns, shifts and overrides make it up), cut to the window. Gaps, when nobody is on
 * call, are left out.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * OnCall.timeline(OnCall.empty, "primary", new Date("2026-12-01T00:00:00Z"), new Date("2026-12-31T00:00:00Z")) // []
 * ```
 */
export const timeline = (
  schedule: OnCallSchedule,
  layer: Layer,
  from: Date,
  to: Date,
): ReadonlyArray<Assignment> => {
  const prepared = prepare(schedule)
  const end = to.getTime()
  const out: Array<Assignment> = []
  let cursor = from.getTime()
  let pick = assigneeAt(prepared, layer, cursor)
  let since = cursor
  const close = (until: number) => {
    if (pick !== undefined && until > since)
      out.push({
        layer,
        person: personOf(prepared, pick.personId),
        from: new Date(since),
        until: new Date(until),
        via: pick.via,
      })
  }
  for (let step = 0; cursor < end; step++) {
    const boundary = step < 10 * maxSteps ? nextBoundary(prepared, layer, cursor) : undefined
    if (boundary === undefined || boundary >= end) break
    const next = assigneeAt(prepared, layer, boundary)
    if (next?.personId !== pick?.personId) {
      close(boundary)
      pick = next
      since = boundary
    }
    cursor = boundary
  }
  close(end)
  return out
}

// ---------------------------------------------------------------------------------------------
// Imported shifts.

/**
 * A shift as an import reads it (a calendar event, a PagerDuty on-call): whoever it names, in
 * whatever way the source names people.
 *
 * @example
 * ```ts
 * import type { OnCall } from "@ir/core"
 * const record: OnCall.ShiftRecord = {
 *   who: { name: "Ada Lovelace", email: "ada@example.com" },
 *   layer: "primary",
 *   from: new Date("2026-12-07T08:00:00Z"),
 *   until: new Date("2026-12-14T08:00:00Z"),
 *   source: "oncall.ics: UID shift-1@example.com",
 * }
 * ```
 */
export interface ShiftRecord {
  readonly who: {
    readonly name?: string
    readonly email?: string
    readonly pagerDutyUserId?: string
  }
  readonly layer: Layer
  readonly from: Date
  readonly until: Date
  readonly source?: string
}

const sameText = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase()

/**
 * A schedule of explicit shifts from imported records. Each record's person is matched against
 * `people` (a configured schedule's people, for their contacts) by PagerDuty user id, then
 * e-mail, then name or id, ignoring case; a person not found is added, named by their e-mail,
 * name or PagerDuty id. Records that end before they start are left out.
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * const schedule = OnCall.fromShiftRecords(
 *   [{ who: { name: "Ada Lovelace" }, layer: "primary",
 *      from: new Date("2026-12-07T08:00:00Z"), until: new Date("2026-12-14T08:00:00Z") }],
 *   [{ id: "ada", name: "Ada Lovelace", phone: "+1-555-0111" }],
 * )
 * OnCall.whoIsOnCall(schedule, new Date("2026-12-08T00:00:00Z")).primary.current?.person.phone // "+1-555-0111"
 * ```
 */
export const fromShiftRecords = (
  records: ReadonlyArray<ShiftRecord>,
  people: ReadonlyArray<Person> = [],
): OnCallSchedule => {
  const known: Array<Person> = [...people]
  const find = (who: ShiftRecord["who"]): Person => {
    const match =
      known.find((person) => sameText(person.pagerDuty?.userId, who.pagerDutyUserId)) ??
      known.find((person) => sameText(person.email, who.email)) ??
      known.find((person) => sameText(person.name, who.name) || sameText(person.id, who.name)) ??
      known.find((person) => sameText(person.id, who.email))
    if (match !== undefined) return match
    const id = (who.email ?? who.name ?? who.pagerDutyUserId ?? "unknown").trim() || "unknown"
    const added: Person = {
      id,
      ...(who.name === undefined ? {} : { name: who.name }),
      ...(who.email === undefined ? {} : { email: who.email }),
      ...(who.pagerDutyUserId === undefined ? {} : { pagerDuty: { userId: who.pagerDutyUserId } }),
    }
    known.push(added)
    return added
  }
  const shifts = records
    .filter((record) => record.until.getTime() > record.from.getTime())
    .map(
      (record): Shift => ({
        person: find(record.who).id,
        layer: record.layer,
        from: record.from,
        until: record.until,
        ...(record.source === undefined ? {} : { source: record.source }),
      }),
    )
    .sort((a, b) => a.from.getTime() - b.from.getTime())
  return { people: known, rotations: [], shifts, overrides: [] }
}
