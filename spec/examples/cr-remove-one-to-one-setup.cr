# Example CR that `spec check` rejects (`cpm-ft spec check --cr spec/examples/cr-remove-one-to-one-setup.cr`):
# it removes the set-up rule of 1-1 sessions, so no rule says how a session to one recipient is set
# up. The runtime has no default for that choice: `unspecified`, located at the removal.

cr CPM-CR-FT-REMOVE-ONE-TO-ONE R01 {
  title "Remove the set-up of file transfer to a single recipient"
  amends 7.6.1
  after CPM-CR-FT-RELEASE

  remove 7.6.1-1.one-to-one
}
