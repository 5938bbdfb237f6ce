# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-answer-push-shall-not.cr`):
# a receiver that must not take pushed files at all (say, a device that only pulls). The MAY of
# RFC5547-8-1.push-accept becomes a SHALL NOT: every pushed m-line is then refused with port 0 by
# RFC5547-8-1.push-decline (its otherwise-branch), the echo rule never fires, and the user's accept
# callback is never asked. test/cr-workflow/land-example-crs.test.ts lands it in a copy and runs the
# regenerated wire tests against the real receiver.

cr CPM-CR-FT-ANSWER-PUSH-SHALL-NOT R01 {
  title "Forbid the receiver to accept pushed files"
  amends RFC5547-8
  after CPM-CR-FT-RELEASE

  modify RFC5547-8-1.push-accept SHALL NOT {
    decision none
    summary "The receiver does not take pushed files: no sendonly file m-line is answered recvonly."
  }
}
