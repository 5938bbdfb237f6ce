# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-4a-shall-not.cr`):
# the client must not take queued files into a finished session, so it never sends a re-INVITE
# for them; 7.6.1-4.c then releases the session and the next batch goes in a new session.

cr CPM-CR-FT-4A-SHALL-NOT R01 {
  title "Forbid taking pending files into the session after the last SEND"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  modify 7.6.1-4.a SHALL NOT {
    decision none
    summary "When the last file is through, the client does not take further queued files into this session."
  }
}
