<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AccessPageWidget</name>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For another clinician: unsent changes stay on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening Outpost…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outpost is locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Outpost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to see today&apos;s schedule and write notes. Your notes are kept encrypted on this computer and sent to the clinic server when it can be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the same clinician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient information is hidden. Outpost locks after {minutes} minutes without use. Sign in again as {who} to carry on where you were: your draft is saved on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your unsent changes are kept on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out. Nothing was waiting to be sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out. 1 change is kept on this computer and will be sent after you sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out. {count} changes are kept on this computer and will be sent after you sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AmendDialog</name>
    <message>
        <source>Amend signed note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct the note below and say why. The amendment is signed at once and replaces the note; the original stays in the note&apos;s history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason for the amendment (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason for the amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For example: wrong dose written, corrected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say why the note is amended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An amendment cannot be empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The text is unchanged: correct the note first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AppointmentHeaderWidget</name>
    <message>
        <source>No appointment selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} · {visit_type} · {status} · Born {birth_date} ({age} years)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not given</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confirmations</name>
    <message>
        <source>Sign this note?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once signed, this note can no longer be edited. Later changes are added as an amendment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm signing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictViewWidget</name>
    <message>
        <source>Your change (on this computer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On the server now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server&apos;s version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep &amp;both (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your text becomes a new draft note on the same visit; nothing is lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the &amp;server&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the server&apos;s version; your change stays in the audit record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep &amp;mine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send your change again on top of the server&apos;s version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s copy could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status: {status}
Starts: {start}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaced by an amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state}, changed by you at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed by you on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s current record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>you (on another computer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another clinician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state}, last changed {time} by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A signed note cannot be overwritten, so “Keep mine” is not offered: keep both, and your text becomes a new draft you can edit and sign.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s status does not allow your change any more, so only the server&apos;s record can be kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep both: your text becomes a new draft note on the same visit, nothing is lost. Keep the server&apos;s: the note shows the other version; yours stays in the audit record. Keep mine: your text replaces the other draft. Every choice is recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every choice is recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictWords</name>
    <message>
        <source>This note was signed elsewhere; signed notes cannot be changed — your text is kept as a conflict.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This draft was changed on another computer while you were offline; both versions are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s copy of this note changed in a way Outpost cannot show; your text is kept as a conflict.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The appointment {state} on the server, so it cannot be {wanted}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is only proposed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is still pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is booked but not yet started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was marked as arrived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was marked as a no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was marked as entered in error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>was checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is on the waiting list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>proposed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set to pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>booked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marked as arrived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marked as a no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marked as entered in error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>put on the waiting list</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The disk is full. Free up some disk space on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain is not available. Unlock it or sign in again, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The encrypted records on this computer cannot be opened. Restart Outpost; if it happens again, call your IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer took too long to respond. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That record is no longer on this computer. Refresh and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clinic server cannot be reached. Your work is kept on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session has expired. Sign in again to keep syncing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A camera, microphone or speaker is in use by another program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong. Try again; if it keeps happening, call your IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server had a problem. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name or password was not accepted. Check them and try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Outpost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Guided first run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Skip the tour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip the guided tour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;Three things, in under two minutes:&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Today&lt;/b&gt; shows your schedule and who is in the waiting room now. Join a video visit and admit the patient; they join from their browser, with nothing to install.&lt;/li&gt;&lt;li&gt;Write the &lt;b&gt;note&lt;/b&gt; beside the video. It saves as you type and signs with Ctrl+Enter.&lt;/li&gt;&lt;li&gt;Everything but the live call works &lt;b&gt;offline&lt;/b&gt;: notes and schedule changes sync by themselves when the connection is back.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Next, a quick check of your camera, sound and connection.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check your setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a &amp;rehearsal call now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a rehearsal video visit with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try a visit with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;A rehearsal call opens the visit room with a test patient already in the waiting room: admit them, try mute, camera and the note beside the video, then hang up. Nothing is recorded in any patient&apos;s chart.&lt;/p&gt;&lt;p&gt;You can start one at any time from the Visit menu.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the selected video visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admit the waiting patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mute or unmute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera off or on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign the note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;Shortcuts worth knowing:&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;Help, Tech check… runs the checks again; Help, Guided tour… shows this tour.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step {step} of {steps}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the tour</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Outpost hit a problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Your note has been saved on this computer. If it happens again, send the log file to your IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outpost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule and notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking changes waiting to sync…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status bar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync details…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the sync panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile: {profile}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More menus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Amend signed note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Previous day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;ext day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync &amp;now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync &amp;panel and conflicts…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visit menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;in again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Help menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tech check…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Guided tour…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync status unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an appointment first, then start a note.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your sign-in has expired: choose Account, Sign in again to keep syncing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All changes synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 change waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} changes waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} need attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the visit first, then run the tech check.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteActionsWidget</name>
    <message>
        <source>Save status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign this note; it becomes read-only (Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amend…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amend signed note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct a signed note with a reason; the original is kept (Ctrl+Shift+A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New note — saved automatically as you type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed — read only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replaced by an amendment — read only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft — saved automatically as you type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteDraftController</name>
    <message>
        <source>Type the note before signing it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteEditorWidget</name>
    <message>
        <source>Select an appointment to see and write its notes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes for this visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new note for this visit (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading notes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the note before signing it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft — not saved yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes could not be loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason} Select the appointment again to retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing the amendment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amendment signed {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not amended: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: {reason} Your text is kept here and will be saved again automatically.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteHistoryWidget</name>
    <message>
        <source>History of this note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reason: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amendment {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Original note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saved {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signed {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>by you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>by another clinician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict: the server has another version (see Sync panel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs attention: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs attention (see Sync panel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteListWidget</name>
    <message>
        <source>Notes for this visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Original (amended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved on this computer — waiting to sync (1 change)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved on this computer — waiting to sync ({count} changes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} · {time} · {sync}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScheduleModel</name>
    <message>
        <source>Proposed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entered in error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waitlist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In a call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{start}–{end}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time}, {patient}, {reason}, {visit_type}, {status}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visit type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SchedulePanelWidget</name>
    <message>
        <source>◀ Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointments of the day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select all appointments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No appointments on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try loading the schedule again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 appointment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} appointments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today, {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The schedule could not be loaded. {reason} Then press Try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInOffline</name>
    <message>
        <source>The server cannot be reached. Unlock with your password on this computer; sync resumes when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached, and this computer cannot check your password without it (for example after signing in through the browser). Unlocking needs the server: try again when the connection is back. Your notes are safe: the draft is saved on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong passwords. Unlocking now needs the server: try again when the connection is back. Your notes are safe: the draft is saved on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password was not accepted. One more wrong password and unlocking will need the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password was not accepted. Check it and try again ({count} tries left before unlocking needs the server).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInWidget</name>
    <message>
        <source>Server: {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with your &amp;browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opens the clinic&apos;s sign-in page in your web browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or sign in here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish signing in in your web browser, then come back here. If no browser opened, copy this address into one:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking how this server signs you in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server offers no way of signing in that Outpost knows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening your browser…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your user name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking your password on this computer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SoapEditorWidget</name>
    <message>
        <source>Note (&amp;free text)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ubjective — what the patient reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>O&amp;bjective — what you observe and measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assess&amp;ment — your clinical impression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;lan — treatment, prescriptions, follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subjective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Objective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the visit note here. It is saved on this computer as you type.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source> · this computer&apos;s clock is {n} min off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced at {time} · {count} need your attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: changes are kept on this computer{retry}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy: changes are kept{retry}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in: changes are kept on this computer until you sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another Outpost window is syncing this profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync failed: {detail}{retry}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · trying again in {n} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · trying again in {n} min</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPanelDialog</name>
    <message>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPanelWidget</name>
    <message>
        <source>Sync &amp;now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send and fetch changes now (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to send:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Oldest waiting change:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last successful sync:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs your &amp;attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes that need your attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The refused change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing needs your attention.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{age} ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} (server time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs your &amp;attention ({count})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a visit not on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{patient}, visit {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict · {visit} · {noun} · found {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused · {visit} · {what} · {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused this change: “{message}”. It is kept on this computer and not sent again by itself; if the message does not say what to do, tell your IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncWords</name>
    <message>
        <source>less than a minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: your work is kept on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online, but the server is busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another Outpost window is syncing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last sync failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note amended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointment status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept both: your text is now a new draft note on the same visit and will be sent; the note shows the server&apos;s version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s version is shown; your change is kept in the audit record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server already has your change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your change will be sent again on top of the server&apos;s version.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TechCheckDialog</name>
    <message>
        <source>Tech check</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TechCheckWidget</name>
    <message>
        <source>Tech check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks your camera, sound and connection for video visits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tech check summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your camera&apos;s picture appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone level (speak to see it move):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Play test sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play a test sound on your speaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Yes, I heard it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I heard the test sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;No sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I did not hear the test sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the checks again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rehearsal call with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a rehearsal video visit with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose Play test sound and say whether you heard it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) need attention before a visit: see what to do below.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Video visits will work, with the limits noted below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All set so far. Play the test sound to check your speaker.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All set for video visits.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TechCheckWords</name>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Relay server (TURN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Echo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Works, with a limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not needed here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the camera…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the microphone…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playing a test sound…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring the connection to the server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reaching the relay servers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playing speech and listening for echo (keep quiet a moment)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value} Mbit/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value} kbit/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} works: you should see yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test picture is chosen instead of a camera (settings).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chosen camera is not connected; {device} is used instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found. Connect one, or hold visits with audio only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} is in use by another program or blocked. Close that program, or allow camera access in the system&apos;s privacy settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} opened but sends no picture. Check its cover or cable, or choose another camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} hears you (loudest {level} dB). Watch the bar move.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test voice is chosen instead of a microphone (settings).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chosen microphone is not connected; {device} is used instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No microphone found. Connect a headset: the patient cannot hear you without one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} is in use by another program or blocked. Close that program, or allow microphone access in the system&apos;s privacy settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} hears nothing yet. Say a few words; if the bar stays still, check the mute switch on your headset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A test sound played on {device}. Did you hear it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sound goes to the silent test output (settings); nothing plays.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No speaker or headset found. Connect one to hear the patient.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test sound could not play on {device}. Choose another speaker or reconnect it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good for video: {rtt} ms round trip, {down} down, {up} up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slow ({rtt} ms round trip, {down} down, {up} up): video will be less sharp or pause, the sound stays clear.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too slow for visits ({rtt} ms round trip, {down} down, {up} up). Move closer to the router or ask IT; notes still work offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the network; notes still work offline and sync later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rtt} ms round trip to the server. Sign in to measure the speed as well.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} answered in {ms} ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} did not answer. Visits may fail on locked-down networks: tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No relay server is set. Visits on open networks do not need one; on a locked-down network ask IT to set one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your speaker&apos;s sound reaches the microphone, and the echo canceller removes it ({erle} dB quieter): the patient will not hear themselves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No echo reaches the microphone (a headset, or a quiet speaker).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some echo remains ({erle} dB removed): the patient may hear themselves. Use a headset or turn the speaker down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked: it needs both a real speaker and a microphone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This check could not finish. Choose Check again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Relay-only calls are set but no relay server is: visits cannot connect. Ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The device</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TodayViewWidget</name>
    <message>
        <source>Join video visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the visit room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark the patient as checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy patient&apos;s link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the patient&apos;s video visit link to send by text or email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a video visit first, then join it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a booked appointment can be checked in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This appointment has no video visit link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient&apos;s link is copied: paste it into a text message or an email.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This visit is not on this computer yet. Sync (F5), then join it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked in: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VisitPaneWidget</name>
    <message>
        <source>&amp;Join video visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Admit patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mute or unmute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Camera off or on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Hang up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy patient&apos;s &amp;link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rehearsal call with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the open visit first (Hang up), then join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is waiting to be admitted in an open visit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The visit room could not be opened. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VisitRoomWidget</name>
    <message>
        <source>Visit room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visit status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient&apos;s video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admit patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admit the patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mute your microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turn your camera off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy patient&apos;s link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the patient&apos;s link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the visit room again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the visit room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;peaker:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Camera:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>M&amp;icrophone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{device} choices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{patient} · {time} video visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rehearsal with a test patient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the visit · {elapsed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Muted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting… the last picture is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient&apos;s video has paused; the last picture is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient&apos;s video appears here once they join and you admit them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient is waiting. Admit them to see and hear them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting the video…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No video from the patient yet; you can still talk.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VisitWords</name>
    <message>
        <source>No visit open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the visit room…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the patient to join. Copy the link if they need it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient is in the waiting room. Admit them to start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient admitted. Connecting the video…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting… the visit continues when the link is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The visit has ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The visit could not continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slower connection: video sharpness reduced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weak connection: low-resolution video to keep the sound clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weak connection: audio only; video resumes when the link improves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient left the visit after {length}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to the visit room was lost after {length}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The visit stopped after {length} because of a problem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You left the visit room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visit ended after {length}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test camera (moving pattern)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test microphone (synthetic voice)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test speaker (plays nothing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chosen camera is not connected: the default camera is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient sees a test picture instead of your camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found: the patient sees a black picture.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera is in use by another program or blocked: close that program or allow camera access, then pick it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera sends no picture at the moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera stopped (unplugged?): pick another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chosen microphone is not connected: the default microphone is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient hears a test voice instead of your microphone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No microphone found: the patient cannot hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The microphone is in use by another program or blocked: close that program or allow microphone access, then pick it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The microphone gives no sound at the moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The microphone stopped (unplugged?): pick another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chosen speaker is not connected: the default speaker is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The patient&apos;s voice is not played (test speaker).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No speaker found: you cannot hear the patient.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The speaker cannot be opened: pick another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The speaker is not playing at the moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The speaker stopped (unplugged?): pick another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clinic server cannot be reached. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your sign-in has expired. Sign in again, then join the visit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The visit room cannot be reached. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused to open this visit room for you. Sync, or sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This visit was opened on another computer, so it was closed here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video visits are not set up correctly on this computer. Call your IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server has too many rehearsal rooms open right now. Try again in a few minutes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingBannerWidget</name>
    <message>
        <source>Waiting room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking who is waiting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: who is waiting shows again once the clinic server can be reached. The schedule and notes work as usual.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to see who is waiting for a video visit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is waiting cannot be shown now. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is in a waiting room right now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} patients are waiting; the first {shown} are below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A patient (sync to see who)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} video visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} is waiting · {waited}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the video visit with {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the visit room; then admit the patient</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
