import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { Channel } from "../src/index.js"

const slackUrl = "https://hooks.slack.com/services/T0SECRET1/B0SECRET2/xoxSECRETTOKEN123"

describe("Channel", () => {
  it("decodes each kind, with secrets as Redacted values and PagerDuty's defaults", () => {
    const [slack, pagerduty, webhook, email] = Channel.decodeChannels([
      { id: "incidents", kind: "slack", webhookUrl: slackUrl },
      {
        id: "on-call",
        kind: "pagerduty",
        routingKey: "R0UT1NGKEYSECRET0000000000000042",
        severities: ["P0"],
      },
      {
        id: "status-page",
        kind: "webhook",
        url: "https://status.example.com/hooks/ir?token=abc123",
        secret: "a-shared-secret-value",
      },
      {
        id: "oncall-email",
        kind: "email",
        host: "smtp.example.com",
        user: "ir",
        password: "pw-secret",
        from: "ir@example.com",
        to: ["oncall@example.com"],
      },
    ])
    expect(slack?.kind === "slack" && Redacted.value(slack.webhookUrl)).toBe(slackUrl)
    expect(pagerduty).toMatchObject({
      url: Channel.pagerDutyEventsUrl,
      source: "ir",
      severities: ["P0"],
    })
    expect(email).toMatchObject({ port: 587, secure: false, starttls: "opportunistic" })
    const printed = JSON.stringify([slack, pagerduty, webhook, email])
    for (const secret of [
      "xoxSECRETTOKEN123",
      "R0UT1NGKEYSECRET",
      "abc123",
      "a-shared-secret-value",
      "pw-secret",
    ]) {
      expect(printed).not.toContain(secret)
      expect(String(slack) + String(webhook)).not.toContain(secret)
    }
  })

  it("shows where a channel points with the secret parts starred out", () => {
    const channels = Channel.decodeChannels([
      { id: "a", kind: "slack", webhookUrl: slackUrl },
      { id: "b", kind: "pagerduty", routingKey: "k".repeat(32) },
      {
        id: "c",
        kind: "webhook",
        url: "https://status.example.com/hooks/ir?token=abc123",
        secret: "a-shared-secret-value",
      },
      {
        id: "d",
        kind: "webhook",
        url: "https://status.example.com",
        secret: "a-shared-secret-value",
      },
      {
        id: "e",
        kind: "email",
        host: "smtp.example.com",
        port: 465,
        secure: true,
        from: "ir@example.com",
        to: ["x@example.com"],
      },
    ])
    expect(channels.map(Channel.target)).toEqual([
      "https://hooks.slack.com/services/***",
      "PagerDuty https://events.pagerduty.com/v2/enqueue",
      "https://status.example.com/***",
      "https://status.example.com/",
      "smtps://smtp.example.com:465 → x@example.com",
    ])
  })

  it("names each invalid field without echoing a secret", () => {
    let error: unknown
    try {
      Channel.decodeChannel({
        id: "incidents",
        kind: "slack",
        webhookUrl: "not a url xoxSECRETTOKEN123",
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(Channel.ChannelConfigError)
    const message = (error as Error).message
    expect(message).toContain('channel "incidents" is invalid')
    expect(message).toContain("webhookUrl")
    expect(message).not.toContain("xoxSECRETTOKEN123")
    expect(() =>
      Channel.decodeChannel({
        id: "x",
        kind: "webhook",
        url: "https://a.example",
        secret: "short",
      }),
    ).toThrow(/secret/)
    expect(() =>
      Channel.decodeChannel({ id: "x", kind: "email", host: "h", from: "a@b", to: [] }),
    ).toThrow(/to/)
  })

  it("never echoes what a field the schema marks secret was given, whatever its type", () => {
    const given = [
      { id: "a", kind: "slack", webhookUrl: 73914862 },
      { id: "b", kind: "pagerduty", routingKey: 73914862 },
      { id: "c", kind: "webhook", url: 73914862, secret: "0123456789abcdef" },
      { id: "d", kind: "webhook", url: "https://a.example", secret: 73914862 },
      {
        id: "e",
        kind: "webhook",
        url: "https://a.example",
        secret: "0123456789abcdef",
        headers: { "X-Custom-Auth": 73914862 },
      },
      { id: "f", kind: "email", host: "h", from: "a@b.c", to: ["d@e.f"], password: 73914862 },
    ]
    for (const input of given) {
      expect(() => Channel.decodeChannel(input), JSON.stringify(input)).toThrow(
        Channel.ChannelConfigError,
      )
      try {
        Channel.decodeChannel(input)
      } catch (error) {
        expect((error as Error).message).not.toContain("73914862")
      }
    }
  })

  it("refuses two channels with the same id", () => {
    expect(() =>
      Channel.decodeChannels([
        { id: "incidents", kind: "slack", webhookUrl: slackUrl },
        { id: "incidents", kind: "pagerduty", routingKey: "k".repeat(32) },
      ]),
    ).toThrow('channel "incidents" is invalid: id: another channel has the same id')
  })

  it("lists a channel's secrets for scrubbing, never the harmless parts", () => {
    const [slack] = Channel.decodeChannels([{ id: "a", kind: "slack", webhookUrl: slackUrl }])
    const secrets = Channel.secretsOf(slack!)
    expect(secrets).toContain(slackUrl)
    expect(secrets).toContain("/services/T0SECRET1/B0SECRET2/xoxSECRETTOKEN123")
    expect(secrets).not.toContain("/services/")
  })
})
