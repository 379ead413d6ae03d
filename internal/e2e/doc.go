// Package e2e holds polgraph's end-to-end tests: the GraphQL API served over
// real HTTP on 127.0.0.1, as polgraph serve --demo builds it, asserting the
// demo dataset against the reference reading of the seed article
// (han-dong-expected.md) and running the README's example queries. It has
// no code outside its tests.
package e2e
