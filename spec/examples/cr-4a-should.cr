# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-4a-should.cr`):
# the pending-files check of 7.6.1 step 4.a becomes recommended: done unless the application
# declines it at the check-pending-files decision point.

cr CPM-CR-FT-4A-SHOULD R01 {
  title "Recommend the check for pending files after the last SEND"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  modify 7.6.1-4.a SHOULD {
    decision check-pending-files
    summary "When the last file is through, the client should look for further files queued for the same destination, unless the application declines."
  }
}
