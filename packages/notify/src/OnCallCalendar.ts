/**
 * On-call shifts in iCalendar (RFC 5545), in and out: the feeds PagerDuty and Grafana OnCall
 * export, read into shift records (`OnCall.ShiftRecord` of `@ir/core`), and a schedule written
 * back as a calendar. Parsing and recurrence expansion (RRULE, RDATE, EXDATE, moved occurrences)
 * are ical.js's.
 *
 * Each VEVENT (each occurrence of a recurring one) is a shift. The person is the first ATTENDEE's
 * CN, with its `mailto:` address, when the event has one; otherwise the SUMMARY, less the words
 * around the name that exporters add ("On Call - Ada Lovelace - Primary" → "Ada Lovelace",
 * "[L1] ada" → "ada"). The layer is the event's `X-IR-LAYER` (what {@link toCalendar} writes)
 * or the one the caller gives for the whole calendar. Times are read in their zone: UTC, a
 * VTIMEZONE of the calendar, or an IANA TZID; floating times in the calendar's
 * `X-WR-TIMEZONE`, else UTC.
 *
 * @example
 * ```ts
 * import { OnCallCalendar } from "@ir/notify"
 * import * as Effect from "effect/Effect"
 * const records = await Effect.runPromise(
 *   OnCallCalendar.parse(text, {
 *     name: "pagerduty.ics",
 *     layer: "primary",
 *     from: new Date("2026-11-01T00:00:00Z"),
 *     until: new Date("2027-03-01T00:00:00Z"),
 *   }),
 * )
 * ```
 */
import { OnCall, Redaction } from "@ir/core"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import ICAL from "ical.js"

/**
 * Why a calendar could not be read.
 *
 * @example
 * ```ts
 * import { OnCallCalendar } from "@ir/notify"
 * const error = new OnCallCalendar.CalendarError({
 *   reason: "syntax", calendar: "oncall.ics", detail: "invalid ical body",
 * })
 * error.message // "oncall.ics: not an iCalendar file: invalid ical body"
 * ```
 */
export class CalendarError extends Data.TaggedError("CalendarError")<{
  readonly reason:
    | "syntax"
    | "no-calendar"
    | "invalid-event"
    | "unknown-time-zone"
    | "timeout"
    | "network"
    | "http-status"
  /** The file name, or the feed URL with its secret path withheld. */
  readonly calendar: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const messages: Record<CalendarError["reason"], string> = {
      syntax: `${this.calendar}: not an iCalendar file: ${this.detail}`,
      "no-calendar": `${this.calendar}: expected a VCALENDAR; ${this.detail}`,
      "invalid-event": `${this.calendar}: ${this.detail}`,
      "unknown-time-zone": `${this.calendar}: ${this.detail}`,
      timeout: `${this.calendar} did not answer in time: ${this.detail}`,
      network: `${this.calendar} could not be reached: ${this.detail}`,
      "http-status": `${this.calendar} answered ${this.detail}`,
    }
    return messages[this.reason]
  }
}

/**
 * What {@link parse} needs besides the text.
 *
 * @example
 * ```ts
 * import type { OnCallCalendar } from "@ir/notify"
 * const options: OnCallCalendar.ParseOptions = {
 *   name: "oncall.ics", layer: "primary",
 *   from: new Date("2026-11-01T00:00:00Z"), until: new Date("2027-03-01T00:00:00Z"),
 * }
 * ```
 */
export interface ParseOptions {
  /** The file or feed, for errors and each shift's `source`. */
  readonly name: string
  /** The layer of events without `X-IR-LAYER`. */
  readonly layer: OnCall.Layer
  /** Recurring events are expanded from here… */
  readonly from: Date
  /** …to here; shifts outside the window are left out. */
  readonly until: Date
  /** At most this many shifts (a guard against an RRULE without end). Default 10 000. */
  readonly maxShifts?: number
}

type IcalTime = InstanceType<typeof ICAL.Time>
type IcalComponent = InstanceType<typeof ICAL.Component>

const personFromSummary = (summary: string): string => {
  let name = summary.trim().replace(/^\[[^\]]*\]\s*/, "")
  // PagerDuty: "On Call - Ada Lovelace - Schedule name"; ir: "Primary on call: Ada Lovelace".
  const onCall = /^on[\s-]?call\s*[-\u2013:]\s*(.+?)(?:\s+[-\u2013]\s+.*)?$/i.exec(name)
  if (onCall?.[1] !== undefined) name = onCall[1]
  const labelled = /^(?:primary|secondary)\s+on[\s-]?call\s*:\s*(.+)$/i.exec(name)
  if (labelled?.[1] !== undefined) name = labelled[1]
  return name.trim()
}

const whoOf = (event: IcalComponent): OnCall.ShiftRecord["who"] | undefined => {
  const attendee = event.getFirstProperty("attendee")
  if (attendee !== null) {
    const cn = attendee.getParameter("cn")
    const value = String(attendee.getFirstValue() ?? "")
    const email = /^mailto:(.+)$/i.exec(value)?.[1]
    const name = typeof cn === "string" && cn.trim() !== "" ? cn.trim() : undefined
    if (name !== undefined || email !== undefined)
      return {
        ...(name === undefined ? {} : { name }),
        ...(email === undefined ? {} : { email }),
      }
  }
  const summary = event.getFirstPropertyValue("summary")
  if (typeof summary === "string" && personFromSummary(summary) !== "")
    return { name: personFromSummary(summary) }
  return undefined
}

const layerOf = (event: IcalComponent, fallback: OnCall.Layer): OnCall.Layer => {
  const value = event.getFirstPropertyValue("x-ir-layer")
  return value === "primary" || value === "secondary" ? value : fallback
}

const parameter = (event: IcalComponent, property: string, name: string): string | undefined => {
  const value = event.getFirstProperty(property)?.getParameter(name)
  return typeof value === "string" ? value : undefined
}

/** The instant of an ical.js time, read in its zone (see the module documentation). */
const instantOf = (
  time: IcalTime,
  tzid: string | undefined,
  calendarZone: string,
): Date | undefined => {
  const zone = time.zone
  if (zone !== undefined && zone !== null && zone.tzid === "UTC") {
    return new Date(
      Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second),
    )
  }
  if (zone !== undefined && zone !== null && zone.tzid !== "floating" && !time.isDate) {
    return new Date(time.toUnixTime() * 1000)
  }
  const wall = new Date(
    Date.UTC(
      time.year,
      time.month - 1,
      time.day,
      time.isDate ? 0 : time.hour,
      time.isDate ? 0 : time.minute,
      time.isDate ? 0 : time.second,
    ),
  )
  const zoned = DateTime.makeZoned(wall, {
    timeZone: tzid ?? calendarZone,
    adjustForTimeZone: true,
    disambiguation: "compatible",
  })
  return zoned._tag === "Some" ? new Date(DateTime.toEpochMillis(zoned.value)) : undefined
}

const describeEvent = (event: IcalComponent, index: number): string => {
  const uid = event.getFirstPropertyValue("uid")
  return typeof uid === "string" && uid !== ""
    ? `VEVENT ${index + 1} (UID ${uid})`
    : `VEVENT ${index + 1}`
}

/**
 * Reads the shifts of an iCalendar text between `from` and `until`, expanding recurring events.
 * A text that is not iCalendar, an event without DTSTART or with a time zone nobody knows, is a
 * {@link CalendarError} naming the calendar and the event.
 *
 * @example
 * ```ts
 * import { OnCallCalendar } from "@ir/notify"
 * import * as Effect from "effect/Effect"
 * const shifts = Effect.runSync(OnCallCalendar.parse(icsText, {
 *   name: "oncall.ics", layer: "primary",
 *   from: new Date("2026-12-01T00:00:00Z"), until: new Date("2027-01-01T00:00:00Z"),
 * }))
 * shifts[0]?.who // { name: "Ada Lovelace", email: "ada@example.com" }
 * ```
 */
export const parse = (
  text: string,
  options: ParseOptions,
): Effect.Effect<ReadonlyArray<OnCall.ShiftRecord>, CalendarError> =>
  Effect.suspend(() => {
    // ical.js reports text that is not a calendar at all by its internals ("reading
    // 'propertyGroups'"); the first line says what the file is instead.
    const firstLine =
      text
        .replace(/^\uFEFF/, "")
        .trimStart()
        .split(/\r?\n/, 1)[0] ?? ""
    if (!/^BEGIN:/i.test(firstLine))
      return Effect.fail(
        new CalendarError({
          reason: "syntax",
          calendar: options.name,
          detail:
            firstLine === ""
              ? "it is empty; expected BEGIN:VCALENDAR"
              : `expected it to begin with BEGIN:VCALENDAR; its first line is ${JSON.stringify(firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine)}`,
        }),
      )
    let root: IcalComponent
    try {
      root = new ICAL.Component(ICAL.parse(text))
    } catch (cause) {
      return Effect.fail(
        new CalendarError({
          reason: "syntax",
          calendar: options.name,
          detail: cause instanceof Error ? cause.message : String(cause),
          cause,
        }),
      )
    }
    const calendar =
      root.name === "vcalendar" ? root : (root.getFirstSubcomponent("vcalendar") ?? undefined)
    if (calendar === undefined)
      return Effect.fail(
        new CalendarError({
          reason: "no-calendar",
          calendar: options.name,
          detail: `found ${root.name.toUpperCase()}`,
        }),
      )
    // Zones the calendar defines itself: ical.js reads times in them.
    for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(vtimezone)
    }
    const declared = calendar.getFirstPropertyValue("x-wr-timezone")
    const calendarZone = typeof declared === "string" && declared !== "" ? declared : "UTC"
    const limit = options.maxShifts ?? 10_000
    const from = options.from.getTime()
    const until = options.until.getTime()
    const events = calendar.getAllSubcomponents("vevent")
    // Moved or changed occurrences (RECURRENCE-ID) belong to the event with their UID.
    const masters = new Map<string, InstanceType<typeof ICAL.Event>>()
    const exceptions: Array<IcalComponent> = []
    const records: Array<OnCall.ShiftRecord> = []
    const problems: Array<CalendarError> = []
    events.forEach((component, index) => {
      if (component.getFirstProperty("dtstart") === null) {
        problems.push(
          new CalendarError({
            reason: "invalid-event",
            calendar: options.name,
            detail: `${describeEvent(component, index)} has no DTSTART`,
          }),
        )
        return
      }
      if (component.getFirstProperty("recurrence-id") !== null) exceptions.push(component)
      else {
        const uid = component.getFirstPropertyValue("uid")
        masters.set(typeof uid === "string" ? uid : `#${index}`, new ICAL.Event(component))
      }
    })
    for (const exception of exceptions) {
      const uid = exception.getFirstPropertyValue("uid")
      const master = typeof uid === "string" ? masters.get(uid) : undefined
      if (master !== undefined) master.relateException(exception)
      else masters.set(`exception:${masters.size}`, new ICAL.Event(exception))
    }
    const add = (
      component: IcalComponent,
      index: number,
      start: IcalTime,
      end: IcalTime,
    ): boolean => {
      const startZone = parameter(component, "dtstart", "tzid")
      const endZone = parameter(component, "dtend", "tzid") ?? startZone
      const startAt = instantOf(start, startZone, calendarZone)
      const endAt = instantOf(end, endZone, calendarZone)
      if (startAt === undefined || endAt === undefined) {
        problems.push(
          new CalendarError({
            reason: "unknown-time-zone",
            calendar: options.name,
            detail: `${describeEvent(component, index)}: expected an IANA time zone or a VTIMEZONE of the calendar; got ${JSON.stringify(startZone ?? endZone ?? calendarZone)}`,
          }),
        )
        return false
      }
      if (endAt.getTime() <= from || startAt.getTime() >= until) return true
      const who = whoOf(component)
      if (who === undefined) return true
      const uid = component.getFirstPropertyValue("uid")
      records.push({
        who,
        layer: layerOf(component, options.layer),
        from: startAt,
        until: endAt,
        source: `${options.name}${typeof uid === "string" && uid !== "" ? `: UID ${uid}` : ""}`,
      })
      return true
    }
    for (const event of masters.values()) {
      if (records.length >= limit || problems.length > 0) break
      const index = events.indexOf(event.component)
      if (!event.isRecurring()) {
        add(event.component, index, event.startDate, event.endDate)
        continue
      }
      const iterator = event.iterator()
      // Occurrences before the window are stepped over too: bound the walk as well as the result.
      let steps = 0
      for (
        let next = iterator.next();
        next !== undefined && next !== null && steps < 50 * limit;
        next = iterator.next(), steps++
      ) {
        const details = event.getOccurrenceDetails(next)
        const startAt = instantOf(
          details.startDate,
          parameter(details.item.component, "dtstart", "tzid"),
          calendarZone,
        )
        if (startAt !== undefined && startAt.getTime() >= until) break
        if (!add(details.item.component, index, details.startDate, details.endDate)) break
        if (records.length >= limit) break
      }
    }
    const [problem] = problems
    if (problem !== undefined) return Effect.fail(problem)
    return Effect.succeed(records.sort((a, b) => a.from.getTime() - b.from.getTime()))
  })

// ---------------------------------------------------------------------------------------------
// Fetching a feed.

/** A feed URL as errors show it: the host, never the path or query, where feeds keep their key. */
const shownUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}/${Redaction.mask}`
  } catch {
    return Redaction.mask
  }
}

const secretsOf = (url: string): ReadonlyArray<string> => {
  try {
    const parsed = new URL(url)
    return [
      url,
      parsed.pathname,
      parsed.search,
      ...parsed.pathname.split("/").filter((part) => part.length >= 6),
      ...[...parsed.searchParams.values()].filter((value) => value.length >= 4),
      ...Redaction.secretsOfUrl(url),
    ].filter((secret) => secret !== "" && secret !== "/")
  } catch {
    return [url]
  }
}

const maxFeedBytes = 16 * 1024 * 1024

/**
 * Downloads an iCalendar feed (PagerDuty's and Grafana OnCall's "subscribe" URLs), with a
 * deadline. The URL is a secret (the key is in its path): errors show only its host.
 *
 * @example
 * ```ts
 * import { OnCallCalendar } from "@ir/notify"
 * import * as Effect from "effect/Effect"
 * const text = await Effect.runPromise(
 *   OnCallCalendar.fetchFeed("https://acme.pagerduty.com/private/KEY/feed/PSCHED1", { timeoutMs: 10_000 }),
 * )
 * ```
 */
export const fetchFeed = (
  url: string,
  options: { readonly timeoutMs: number },
): Effect.Effect<string, CalendarError> => {
  const calendar = shownUrl(url.replace(/^webcal:/i, "https:"))
  const scrub = Redaction.makeScrubber(secretsOf(url))
  return Effect.tryPromise({
    try: async (signal) => {
      const deadline = AbortSignal.timeout(options.timeoutMs)
      const { request } = await import("undici")
      const response = await request(url.replace(/^webcal:/i, "https:"), {
        method: "GET",
        headers: { accept: "text/calendar", "user-agent": "ir-oncall" },
        signal: AbortSignal.any([deadline, signal]),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      })
      const chunks: Array<Buffer> = []
      let size = 0
      for await (const chunk of response.body) {
        const buffer = Buffer.from(chunk as Uint8Array)
        size += buffer.length
        if (size > maxFeedBytes) {
          response.body.destroy()
          throw new CalendarError({
            reason: "http-status",
            calendar,
            detail: `more than ${maxFeedBytes / 1024 / 1024} MiB`,
          })
        }
        chunks.push(buffer)
      }
      const body = Buffer.concat(chunks).toString("utf8")
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new CalendarError({
          reason: "http-status",
          calendar,
          detail: `HTTP ${response.statusCode}: ${scrub(body.replace(/\s+/g, " ").trim().slice(0, 200))}`,
        })
      return body
    },
    catch: (cause) => {
      if (cause instanceof CalendarError) return cause
      const code = (cause as { code?: unknown }).code
      const message = scrub(cause instanceof Error ? cause.message : String(cause))
      return code === "UND_ERR_HEADERS_TIMEOUT" ||
        code === "UND_ERR_BODY_TIMEOUT" ||
        (cause as { name?: unknown }).name === "TimeoutError"
        ? new CalendarError({
            reason: "timeout",
            calendar,
            detail: `no answer within ${options.timeoutMs} ms`,
          })
        : new CalendarError({ reason: "network", calendar, detail: message })
    },
  })
}

// ---------------------------------------------------------------------------------------------
// Writing a schedule.

const layerTitle = (layer: OnCall.Layer) => (layer === "primary" ? "Primary" : "Secondary")

const utcTime = (date: Date): IcalTime => ICAL.Time.fromJSDate(date, true)

/**
 * A schedule's stretches between two instants as an iCalendar text: one VEVENT per stretch and
 * layer (overrides applied), in UTC, with the person as SUMMARY and ATTENDEE (CN and `mailto:`
 * when they have an e-mail address), `X-IR-LAYER`, and a UID stable across exports of the same
 * stretch. {@link parse} reads it back.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { OnCallCalendar } from "@ir/notify"
 * const ics = OnCallCalendar.toCalendar(defaultRunbook.onCallSchedule, {
 *   from: new Date("2026-12-01T00:00:00Z"), until: new Date("2027-03-01T00:00:00Z"),
 *   name: "Incident Response Runbook on call", stamp: new Date("2026-12-01T00:00:00Z"),
 * })
 * ```
 */
export const toCalendar = (
  schedule: OnCall.OnCallSchedule,
  options: {
    readonly from: Date
    readonly until: Date
    /** The calendar's name (X-WR-CALNAME). */
    readonly name: string
    /** DTSTAMP of every event: when the calendar was made. */
    readonly stamp: Date
  },
): string => {
  const calendar = new ICAL.Component("vcalendar")
  calendar.addPropertyWithValue("prodid", "-//ir//on-call schedule//EN")
  calendar.addPropertyWithValue("version", "2.0")
  calendar.addPropertyWithValue("calscale", "GREGORIAN")
  calendar.addPropertyWithValue("x-wr-calname", options.name)
  for (const layer of OnCall.layers) {
    for (const stretch of OnCall.timeline(schedule, layer, options.from, options.until)) {
      if (stretch.from === undefined || stretch.until === undefined) continue
      const person = stretch.person
      const name = person.name ?? person.id
      const event = new ICAL.Component("vevent")
      event.addPropertyWithValue(
        "uid",
        `${layer}-${stretch.from.toISOString().replace(/[-:.]/g, "")}-${person.id.replace(/[^A-Za-z0-9._-]/g, "_")}@ir`,
      )
      event.addPropertyWithValue("dtstamp", utcTime(options.stamp))
      event.addPropertyWithValue("dtstart", utcTime(stretch.from))
      event.addPropertyWithValue("dtend", utcTime(stretch.until))
      event.addPropertyWithValue("summary", `${layerTitle(layer)} on call: ${name}`)
      const contacts = [
        person.email === undefined ? undefined : `E-mail: ${person.email}`,
        person.phone === undefined ? undefined : `Phone: ${person.phone}`,
        person.slackUserId === undefined ? undefined : `Slack: ${person.slackUserId}`,
        person.pagerDuty?.userId === undefined
          ? undefined
          : `PagerDuty user: ${person.pagerDuty.userId}`,
        person.pagerDuty?.escalationPolicyId === undefined
          ? undefined
          : `PagerDuty escalation policy: ${person.pagerDuty.escalationPolicyId}`,
      ].filter((line) => line !== undefined)
      if (contacts.length > 0) event.addPropertyWithValue("description", contacts.join("\n"))
      event.addPropertyWithValue("transp", "TRANSPARENT")
      event.addPropertyWithValue("x-ir-layer", layer)
      const attendee = event.addPropertyWithValue(
        "attendee",
        person.email === undefined
          ? `urn:ir:person:${encodeURIComponent(person.id)}`
          : `mailto:${person.email}`,
      )
      attendee.setParameter("cn", name)
      event.addPropertyWithValue("categories", `${layerTitle(layer)} on call`)
      calendar.addSubcomponent(event)
    }
  }
  // RFC 5545 lines end in CRLF.
  return `${calendar.toString().replace(/\r?\n/g, "\r\n")}\r\n`
}
