# Example CR (`cpm-ft spec check --cr spec/examples/cr-transfer-cancel.cr`), landed in
# spec/cr/cpm-cr-ft-cancel.cr: what the client does when the user cancels a transfer in progress.

cr CPM-CR-FT-CANCEL R01 {
  title "Cancelling an ongoing file transfer"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  add rule 7.6.1-6 SHALL {
    on transfer-cancelled
    do interrupt-send
    do follow-clause 7.6.2
    see RFC4975, 7.6.2
    summary "When the user cancels, the client ends the MSRP message it is sending with a '#' chunk before sending anything else, and releases the session once that interruption is on the wire."
  }
}
