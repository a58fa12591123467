// Real HTTP peers on loopback: see scripts/test-support/peers.ts.
export * from "../../../scripts/test-support/peers.js"
