# The seed CR (R01): session initiation (7.6.1) and release (7.6.2) for CPM file transfer.
# Summaries paraphrase the CR; `cpm-ft spec coverage` checks the rules against the CR text a user passes.

cr CPM-CR-FT-RELEASE R01 {
  title "Clarify file transfer session initiation and release"
  amends 7.6.1, 7.6.2

  # Step 1: set the session up with the procedure that matches the destination, plus RFC 5547.
  add rule 7.6.1-1.one-to-one SHALL {
    on send-files-requested when one-recipient
    do follow-clause 7.3.1
    do apply-rfc5547
    see 7.3.1, RFC5547
    summary "For a single recipient, start the session as a CPM 1-1 session and apply the RFC 5547 file transfer offer/answer rules."
    covers 1 "SHALL follow the procedures defined in 7.3.1"
  }

  add rule 7.6.1-1.ad-hoc-group SHALL {
    on send-files-requested when recipient-list
    do follow-clause 7.4.1.1
    do apply-rfc5547
    see 7.4.1.1, RFC5547
    summary "For a list of recipients, start an ad-hoc CPM group session and apply the RFC 5547 file transfer offer/answer rules."
    covers 1 "in 7.4.1.1"
  }

  add rule 7.6.1-1.predefined-group SHALL {
    on send-files-requested when predefined-group
    do follow-clause 7.4.1.2
    do apply-rfc5547
    see 7.4.1.2, RFC5547
    summary "For a pre-defined group, start a pre-defined CPM group session and apply the RFC 5547 file transfer offer/answer rules."
    covers 1 "in 7.4.1.2"
  }

  # Step 2: the SDP carries the RFC 5547 file attributes.
  add rule 7.6.1-2 SHALL {
    on send-files-requested
    do add-file-attributes
    see RFC5547
    summary "Put the RFC 5547 file description attributes into the SDP offer."
    covers 2 "SHALL add the relevant media attributes"
  }

  # Step 3: several files in a 1-1 session get one m-line each.
  add rule 7.6.1-3 SHALL {
    on send-files-requested
    if one-to-one-session and more-than-one-file
    do one-mline-per-file
    see RFC5547
    summary "In a 1-1 session carrying several files, describe every file in its own m-line."
    covers 3 "SHALL be sent in separate m-lines"
  }

  # Step 4: once the last SEND is acknowledged (by its 200 OK, or by the success REPORT when one was asked for).
  add rule 7.6.1-4.a MAY {
    on last-send-acknowledged when not success-report-requested
    on success-report-received when success-report-requested
    decision check-pending-files
    do check-pending-files
    summary "When the last file is through, the client may look for further files queued for the same destination."
    covers 4.a "MAY check if there are other files"
  }

  add rule 7.6.1-4.b SHALL {
    on last-send-acknowledged when not success-report-requested
    on success-report-received when success-report-requested
    if fired(7.6.1-4.a) and pending-files-same-destination and wants-mline-reuse
    do send-reinvite
    see RFC5547
    summary "If more files wait and the client chooses to reuse m-lines for them, it updates the session with a re-INVITE."
    covers 4.b "SHALL send re-INVITE"
  }

  add rule 7.6.1-4.b.i SHALL {
    on last-send-acknowledged when not success-report-requested
    on success-report-received when success-report-requested
    if fired(7.6.1-4.b)
    do reuse-mline
    see RFC5547
    summary "In that re-INVITE, give the m-lines it keeps new file attributes describing the next files."
    covers 4.b.i "SHALL reuse the needed m lines"
  }

  add rule 7.6.1-4.b.ii SHALL {
    on last-send-acknowledged when not success-report-requested
    on success-report-received when success-report-requested
    if fired(7.6.1-4.b) and unused-mlines
    do close-unused-mline
    see RFC5547
    summary "In that re-INVITE, set the port of every m-line left without a file to zero, ending the MSRP session of the finished file."
    covers 4.b.ii "SHALL set the port in the m-line to zero"
  }

  add rule 7.6.1-4.c SHALL {
    on last-send-acknowledged when not success-report-requested
    on success-report-received when success-report-requested
    otherwise 7.6.1-4.b
    do follow-clause 7.6.2
    see 7.6.2
    summary "When no re-INVITE is sent for further files, release the session as clause 7.6.2 describes."
    covers 4.c "SHALL follow the procedures defined in 7.6.2"
  }

  # Step 5: any MSRP failure ends in a user-visible failure indication.
  add rule 7.6.1-5 SHALL {
    on msrp-error-response
    on failure-report-received
    do indicate-transfer-failed
    see RFC4975
    summary "An MSRP error response or a failure REPORT means the transfer failed, and the client tells its user so."
    covers 5 "SHALL indicate to the CPM User"
  }

  # 7.6.2: release.
  add rule 7.6.2 SHALL {
    on transfer-complete
    do send-bye
    see RFC3261
    summary "The sender ends a finished file transfer session with a SIP BYE."
    covers "SHALL send a SIP BYE"
  }
}
