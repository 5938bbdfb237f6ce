# Example CR that `spec check` rejects (`cpm-ft spec check --cr spec/examples/cr-release-shall-not.cr`):
# it forbids the BYE of clause 7.6.2 while 7.6.1-4.c still releases the session by following 7.6.2.
# The checker resolves that follow-clause to what 7.6.2's rules now do, and reports the release as
# depending on a forbidden action (`prohibited-outcome`, at 7.6.2 with a note at 7.6.1-4.c): the
# client would otherwise end without a BYE and leave the dialog to the receiver's idle timer.

cr CPM-CR-FT-RELEASE-SHALL-NOT R01 {
  title "Forbid the BYE at the end of a file transfer session"
  amends 7.6.2
  after CPM-CR-FT-RELEASE

  modify 7.6.2 SHALL NOT {
    summary "The sender does not end a finished file transfer session with a SIP BYE."
  }
}
