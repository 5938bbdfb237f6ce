# Example CR, not applied by default (`cpm-ft spec check --cr spec/examples/cr-success-report-shall.cr`):
# every file sent asks its receiver for a success REPORT. Requesting one makes the fact
# success-report-requested true for the rest of the session, so step 4 then always runs on the
# success REPORT: `spec check` warns (unreachable-rule) about each step-4 trigger on
# last-send-acknowledged, which needs that fact false, naming this rule.

cr CPM-CR-FT-SUCCESS-REPORT R01 {
  title "Confirm every file with a success REPORT"
  amends 7.6.1
  after CPM-CR-FT-CANCEL

  add rule 7.6.1-2.success-report SHALL {
    on send-files-requested
    do request-success-reports
    see RFC4975
    summary "Every SEND of every file asks the receiver for a success REPORT, so the sender learns that each file arrived whole."
  }
}
