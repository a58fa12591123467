// The status page's Atom feed (RFC 4287, written by the `feed` library): one entry per public
// update, newest first, so feed readers and chat integrations follow incidents as customers do.
import type { StatusPage } from "@ir/core"
import { Feed } from "feed"

/** At most this many entries: feed readers keep what they already fetched. */
const maxEntries = 50

/** The feed, with absolute links under `pageUrl` (the status page's own URL). */
export const statusFeed = (summary: StatusPage.StatusSummary, pageUrl: string): string => {
  const feed = new Feed({
    title: `${summary.name}: incident updates`,
    description: summary.description,
    id: pageUrl,
    link: pageUrl,
    updated: summary.updatedAt,
    copyright: "",
    feedLinks: { atom: `${pageUrl}/feed.atom` },
  })
  const entries = [...summary.incidents, ...summary.resolved]
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => b.update.at.getTime() - a.update.at.getTime())
    .slice(0, maxEntries)
  for (const { incident, update } of entries) {
    feed.addItem({
      title: `${incident.title}: ${update.statusText}`,
      id: `${pageUrl}#${update.id}`,
      link: `${pageUrl}#${incident.id}`,
      date: update.at,
      published: update.at,
      description: update.body,
      content: update.body,
    })
  }
  return feed.atom1()
}
