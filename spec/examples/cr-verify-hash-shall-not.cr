# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-verify-hash-shall-not.cr`):
# a receiver that must not refuse a pushed file because its bytes differ from the hash the offer
# gave (the hash being advisory, the user judges). RFC5547-6-1.verify-hash goes from SHALL to SHALL
# NOT: the file is published as received. test/cr-workflow/land-example-crs.test.ts lands it in a
# copy and runs the regenerated wire tests against the real receiver.
#
# (A receiving-side CR must leave the sender's own checks alone: making RFC5547-8-1.push-echo a
# SHALL NOT gives answers that an RFC 5547 offerer, our sender included, refuses for not naming the
# file, so such a CR cannot land green without a sender rule that relaxes the check.)

cr CPM-CR-FT-VERIFY-HASH-SHALL-NOT R01 {
  title "Forbid the receiver to refuse a file over its offered hash"
  amends RFC5547-6
  after CPM-CR-FT-RELEASE

  modify RFC5547-6-1.verify-hash SHALL NOT {
    summary "When the offer gave the file's hash, the receiver does not refuse the file for bytes that differ from it; the file is published as received."
  }
}
