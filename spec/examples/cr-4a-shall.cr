# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-4a-shall.cr`):
# it makes the pending-files check of 7.6.1 step 4.a mandatory, so it needs no decision point.

cr CPM-CR-FT-4A-SHALL R01 {
  title "Make the check for pending files after the last SEND mandatory"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  modify 7.6.1-4.a SHALL {
    decision none
    summary "When the last file is through, the client looks for further files queued for the same destination."
  }
}
