# Example CR that `spec check` rejects (`cpm-ft spec check --cr spec/examples/cr-4b-ii-should-shared-point.cr`):
# it weakens 7.6.1-4.b.ii to SHOULD at the decision point of 7.6.1-4.a. The runtime takes one
# answer per point, so declining it also declines 4.a, and with it the re-INVITE that 4.b.ii is a
# part of: the declined branch of 4.b.ii can never be taken (`unreachable-branch`, with a note at 4.a).

cr CPM-CR-FT-4B-II-SHOULD R01 {
  title "Recommend closing unused m-lines in the re-INVITE"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  modify 7.6.1-4.b.ii SHOULD {
    decision check-pending-files
    summary "In that re-INVITE, the client should set the port of every m-line left without a file to zero, unless the application declines."
  }
}
