# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-answer-echo-shall-not.cr`):
# a receiver that must not repeat the offered file-selector and file-transfer-id in its answer.
# RFC5547-8-1.push-echo goes from SHALL to SHALL NOT: the receiver still takes the file (recvonly),
# but its answer carries neither attribute, which an RFC 5547 offerer such as our own sender then
# refuses as an answer that does not name the file. test/cr-workflow/land-example-crs.test.ts lands it
# in a copy and runs the regenerated wire tests against the real receiver.
#
# (A SHALL NOT on RFC5547-8-1.push-accept would refuse every push, and with it the scenarios of the
# rules that need an accepted push first: the re-offer rules and the hash check.)

cr CPM-CR-FT-ANSWER-ECHO-SHALL-NOT R01 {
  title "Forbid the receiver to repeat the file description in its answer"
  amends RFC5547-8
  after CPM-CR-FT-RELEASE

  modify RFC5547-8-1.push-echo SHALL NOT {
    summary "The m-line that accepts a pushed file does not repeat the offered file-selector and file-transfer-id."
  }
}
