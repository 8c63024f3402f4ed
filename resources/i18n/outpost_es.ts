<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AccessPageWidget</name>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign &amp;out instead</source>
        <translation>&amp;Cerrar sesión en su lugar</translation>
    </message>
    <message>
        <source>Sign out instead</source>
        <translation>Cerrar sesión en su lugar</translation>
    </message>
    <message>
        <source>For another clinician: unsent changes stay on this computer</source>
        <translation>Para otro profesional: los cambios no enviados se quedan en este ordenador</translation>
    </message>
    <message>
        <source>Opening Outpost…</source>
        <translation>Abriendo Outpost…</translation>
    </message>
    <message>
        <source>Outpost is locked</source>
        <translation>Outpost está bloqueado</translation>
    </message>
    <message>
        <source>Sign in to Outpost</source>
        <translation>Iniciar sesión en Outpost</translation>
    </message>
    <message>
        <source>Sign in to see today&apos;s schedule and write notes. Your notes are kept encrypted on this computer and sent to the clinic server when it can be reached.</source>
        <translation>Inicie sesión para ver la agenda de hoy y escribir notas. Sus notas se guardan cifradas en este ordenador y se envían al servidor de la clínica cuando hay conexión.</translation>
    </message>
    <message>
        <source>the same clinician</source>
        <translation>el mismo profesional</translation>
    </message>
    <message>
        <source>Patient information is hidden. Outpost locks after {minutes} minutes without use. Sign in again as {who} to carry on where you were: your draft is saved on this computer.</source>
        <translation>La información de los pacientes está oculta. Outpost se bloquea tras {minutes} minutos sin uso. Vuelva a iniciar sesión como {who} para seguir donde estaba: su borrador está guardado en este ordenador.</translation>
    </message>
    <message>
        <source>Your unsent changes are kept on this computer.</source>
        <translation>Sus cambios no enviados se guardan en este ordenador.</translation>
    </message>
    <message>
        <source>Signed out. Nothing was waiting to be sent.</source>
        <translation>Sesión cerrada. No había nada pendiente de enviar.</translation>
    </message>
    <message>
        <source>Signed out. 1 change is kept on this computer and will be sent after you sign in again.</source>
        <translation>Sesión cerrada. 1 cambio se guarda en este ordenador y se enviará cuando vuelva a iniciar sesión.</translation>
    </message>
    <message>
        <source>Signed out. {count} changes are kept on this computer and will be sent after you sign in again.</source>
        <translation>Sesión cerrada. {count} cambios se guardan en este ordenador y se enviarán cuando vuelva a iniciar sesión.</translation>
    </message>
</context>
<context>
    <name>AmendDialog</name>
    <message>
        <source>Amend signed note</source>
        <translation>Enmendar nota firmada</translation>
    </message>
    <message>
        <source>Correct the note below and say why. The amendment is signed at once and replaces the note; the original stays in the note&apos;s history.</source>
        <translation>Corrija la nota y explique por qué. La enmienda se firma al momento y sustituye a la nota; la original queda en el historial de la nota.</translation>
    </message>
    <message>
        <source>&amp;Reason for the amendment (required)</source>
        <translation>&amp;Motivo de la enmienda (obligatorio)</translation>
    </message>
    <message>
        <source>Reason for the amendment</source>
        <translation>Motivo de la enmienda</translation>
    </message>
    <message>
        <source>For example: wrong dose written, corrected</source>
        <translation>Por ejemplo: dosis mal escrita, corregida</translation>
    </message>
    <message>
        <source>Sign amendment</source>
        <translation>Firmar enmienda</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Say why the note is amended.</source>
        <translation>Indique por qué se enmienda la nota.</translation>
    </message>
    <message>
        <source>An amendment cannot be empty.</source>
        <translation>Una enmienda no puede estar vacía.</translation>
    </message>
    <message>
        <source>The text is unchanged: correct the note first.</source>
        <translation>El texto no ha cambiado: corrija primero la nota.</translation>
    </message>
</context>
<context>
    <name>AppointmentHeaderWidget</name>
    <message>
        <source>No appointment selected</source>
        <translation>Ninguna cita seleccionada</translation>
    </message>
    <message>
        <source>{time} · {visit_type} · {status} · Born {birth_date} ({age} years)</source>
        <translation>{time} · {visit_type} · {status} · Nació el {birth_date} ({age} años)</translation>
    </message>
    <message>
        <source>Reason: {reason}</source>
        <translation>Motivo: {reason}</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>no indicado</translation>
    </message>
</context>
<context>
    <name>Confirmations</name>
    <message>
        <source>Sign this note?</source>
        <translation>¿Firmar esta nota?</translation>
    </message>
    <message>
        <source>Once signed, this note can no longer be edited. Later changes are added as an amendment.</source>
        <translation>Una vez firmada, esta nota ya no se puede editar. Los cambios posteriores se añaden como una enmienda.</translation>
    </message>
    <message>
        <source>Confirm signing</source>
        <translation>Confirmar la firma</translation>
    </message>
    <message>
        <source>Sign note</source>
        <translation>Firmar nota</translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation>Seguir editando</translation>
    </message>
</context>
<context>
    <name>ConflictViewWidget</name>
    <message>
        <source>Your change (on this computer)</source>
        <translation>Su cambio (en este ordenador)</translation>
    </message>
    <message>
        <source>On the server now</source>
        <translation>En el servidor ahora</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Su cambio</translation>
    </message>
    <message>
        <source>Server&apos;s version</source>
        <translation>Versión del servidor</translation>
    </message>
    <message>
        <source>Keep &amp;both (recommended)</source>
        <translation>Conservar &amp;ambas (recomendado)</translation>
    </message>
    <message>
        <source>Your text becomes a new draft note on the same visit; nothing is lost</source>
        <translation>Su texto pasa a ser un borrador nuevo en la misma visita; no se pierde nada</translation>
    </message>
    <message>
        <source>Keep the &amp;server&apos;s</source>
        <translation>Conservar la del &amp;servidor</translation>
    </message>
    <message>
        <source>Show the server&apos;s version; your change stays in the audit record</source>
        <translation>Mostrar la versión del servidor; su cambio queda en el registro de auditoría</translation>
    </message>
    <message>
        <source>Keep &amp;mine</source>
        <translation>Conservar la &amp;mía</translation>
    </message>
    <message>
        <source>Send your change again on top of the server&apos;s version</source>
        <translation>Volver a enviar su cambio sobre la versión del servidor</translation>
    </message>
    <message>
        <source>The server&apos;s copy could not be read.</source>
        <translation>No se pudo leer la copia del servidor.</translation>
    </message>
    <message>
        <source>Status: {status}
Starts: {start}</source>
        <translation>Estado: {status}
Empieza: {start}</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>borrador</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>firmada</translation>
    </message>
    <message>
        <source>replaced by an amendment</source>
        <translation>sustituida por una enmienda</translation>
    </message>
    <message>
        <source>{state}, changed by you at {time}</source>
        <translation>{state}, cambiado por usted el {time}</translation>
    </message>
    <message>
        <source>Changed by you on this computer</source>
        <translation>Cambiado por usted en este ordenador</translation>
    </message>
    <message>
        <source>The server&apos;s current record</source>
        <translation>El registro actual del servidor</translation>
    </message>
    <message>
        <source>you (on another computer)</source>
        <translation>usted (en otro ordenador)</translation>
    </message>
    <message>
        <source>another clinician</source>
        <translation>otro profesional</translation>
    </message>
    <message>
        <source>{state}, last changed {time} by {who}</source>
        <translation>{state}, último cambio el {time} por {who}</translation>
    </message>
    <message>
        <source>A signed note cannot be overwritten, so “Keep mine” is not offered: keep both, and your text becomes a new draft you can edit and sign.</source>
        <translation>Una nota firmada no se puede sobrescribir, por eso no se ofrece «Conservar la mía»: conserve ambas y su texto pasará a ser un borrador nuevo que podrá editar y firmar.</translation>
    </message>
    <message>
        <source>The server&apos;s status does not allow your change any more, so only the server&apos;s record can be kept.</source>
        <translation>El estado en el servidor ya no permite su cambio, así que solo se puede conservar el registro del servidor.</translation>
    </message>
    <message>
        <source>Keep both: your text becomes a new draft note on the same visit, nothing is lost. Keep the server&apos;s: the note shows the other version; yours stays in the audit record. Keep mine: your text replaces the other draft. Every choice is recorded in the audit log.</source>
        <translation>Conservar ambas: su texto pasa a ser un borrador nuevo en la misma visita, no se pierde nada. Conservar la del servidor: la nota muestra la otra versión; la suya queda en el registro de auditoría. Conservar la mía: su texto sustituye al otro borrador. Cada elección queda registrada en el registro de auditoría.</translation>
    </message>
    <message>
        <source>Every choice is recorded in the audit log.</source>
        <translation>Cada elección queda registrada en el registro de auditoría.</translation>
    </message>
</context>
<context>
    <name>ConflictWords</name>
    <message>
        <source>This note was signed elsewhere; signed notes cannot be changed — your text is kept as a conflict.</source>
        <translation>Esta nota se firmó en otro lugar; las notas firmadas no se pueden cambiar: su texto se conserva como conflicto.</translation>
    </message>
    <message>
        <source>This draft was changed on another computer while you were offline; both versions are kept.</source>
        <translation>Este borrador se cambió en otro equipo mientras usted estaba sin conexión; se conservan las dos versiones.</translation>
    </message>
    <message>
        <source>The server&apos;s copy of this note changed in a way Outpost cannot show; your text is kept as a conflict.</source>
        <translation>La copia de esta nota en el servidor cambió de una forma que Outpost no puede mostrar; su texto se conserva como conflicto.</translation>
    </message>
    <message>
        <source>The appointment {state} on the server, so it cannot be {wanted}.</source>
        <translation>En el servidor, la cita {state}, así que no se puede {wanted}.</translation>
    </message>
    <message>
        <source>is only proposed</source>
        <translation>solo está propuesta</translation>
    </message>
    <message>
        <source>is still pending</source>
        <translation>sigue pendiente</translation>
    </message>
    <message>
        <source>is booked but not yet started</source>
        <translation>está reservada pero aún no ha empezado</translation>
    </message>
    <message>
        <source>was marked as arrived</source>
        <translation>se marcó como llegada</translation>
    </message>
    <message>
        <source>was completed</source>
        <translation>se completó</translation>
    </message>
    <message>
        <source>was cancelled</source>
        <translation>se canceló</translation>
    </message>
    <message>
        <source>was marked as a no-show</source>
        <translation>se marcó como no presentada</translation>
    </message>
    <message>
        <source>was marked as entered in error</source>
        <translation>se marcó como introducida por error</translation>
    </message>
    <message>
        <source>was checked in</source>
        <translation>ya tiene registrada la llegada</translation>
    </message>
    <message>
        <source>is on the waiting list</source>
        <translation>está en lista de espera</translation>
    </message>
    <message>
        <source>proposed</source>
        <translation>proponer</translation>
    </message>
    <message>
        <source>set to pending</source>
        <translation>poner como pendiente</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>reservar</translation>
    </message>
    <message>
        <source>marked as arrived</source>
        <translation>marcar como llegada</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>completar</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelar</translation>
    </message>
    <message>
        <source>marked as a no-show</source>
        <translation>marcar como no presentada</translation>
    </message>
    <message>
        <source>marked as entered in error</source>
        <translation>marcar como introducida por error</translation>
    </message>
    <message>
        <source>checked in</source>
        <translation>registrar la llegada</translation>
    </message>
    <message>
        <source>put on the waiting list</source>
        <translation>poner en lista de espera</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The disk is full. Free up some disk space on this computer.</source>
        <translation>El disco está lleno. Libere espacio en este ordenador.</translation>
    </message>
    <message>
        <source>The system keychain is not available. Unlock it or sign in again, then retry.</source>
        <translation>El llavero del sistema no está disponible. Desbloquéelo o vuelva a iniciar sesión y reintente.</translation>
    </message>
    <message>
        <source>The encrypted records on this computer cannot be opened. Restart Outpost; if it happens again, call your IT team.</source>
        <translation>No se pueden abrir los registros cifrados de este ordenador. Reinicie Outpost; si vuelve a ocurrir, llame a su equipo de informática.</translation>
    </message>
    <message>
        <source>This computer took too long to respond. Try again in a moment.</source>
        <translation>Este ordenador tardó demasiado en responder. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>That record is no longer on this computer. Refresh and try again.</source>
        <translation>Ese registro ya no está en este ordenador. Actualice e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>The clinic server cannot be reached. Your work is kept on this computer.</source>
        <translation>No se puede contactar con el servidor de la clínica. Su trabajo se guarda en este ordenador.</translation>
    </message>
    <message>
        <source>Your session has expired. Sign in again to keep syncing.</source>
        <translation>Su sesión ha caducado. Vuelva a iniciar sesión para seguir sincronizando.</translation>
    </message>
    <message>
        <source>A camera, microphone or speaker is in use by another program.</source>
        <translation>Otro programa está usando una cámara, un micrófono o un altavoz.</translation>
    </message>
    <message>
        <source>Something went wrong. Try again; if it keeps happening, call your IT team.</source>
        <translation>Algo salió mal. Inténtelo de nuevo; si sigue ocurriendo, llame a su equipo de informática.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the connection and try again.</source>
        <translation>No se puede contactar con el servidor. Compruebe la conexión e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>The server had a problem. Try again in a moment.</source>
        <translation>El servidor tuvo un problema. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>The user name or password was not accepted. Check them and try again.</source>
        <translation>No se aceptó el usuario o la contraseña. Compruébelos e inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Outpost</source>
        <translation>Bienvenido a Outpost</translation>
    </message>
    <message>
        <source>Guided first run</source>
        <translation>Primer uso guiado</translation>
    </message>
    <message>
        <source>&amp;Skip the tour</source>
        <translation>&amp;Omitir la guía</translation>
    </message>
    <message>
        <source>Skip the guided tour</source>
        <translation>Omitir la guía</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Atrás</translation>
    </message>
    <message>
        <source>Previous step</source>
        <translation>Paso anterior</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Siguiente</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>Paso siguiente</translation>
    </message>
    <message>
        <source>&lt;p&gt;Three things, in under two minutes:&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Today&lt;/b&gt; shows your schedule and who is in the waiting room now. Join a video visit and admit the patient; they join from their browser, with nothing to install.&lt;/li&gt;&lt;li&gt;Write the &lt;b&gt;note&lt;/b&gt; beside the video. It saves as you type and signs with Ctrl+Enter.&lt;/li&gt;&lt;li&gt;Everything but the live call works &lt;b&gt;offline&lt;/b&gt;: notes and schedule changes sync by themselves when the connection is back.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Next, a quick check of your camera, sound and connection.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Tres cosas, en menos de dos minutos:&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Hoy&lt;/b&gt; muestra su agenda y quién está ahora en la sala de espera. Únase a una visita por video y admita al paciente; el paciente entra desde su navegador, sin instalar nada.&lt;/li&gt;&lt;li&gt;Escriba la &lt;b&gt;nota&lt;/b&gt; junto al video. Se guarda mientras escribe y se firma con Ctrl+Intro.&lt;/li&gt;&lt;li&gt;Todo salvo la llamada en directo funciona &lt;b&gt;sin conexión&lt;/b&gt;: las notas y los cambios de agenda se sincronizan solos cuando vuelve la conexión.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;A continuación, una comprobación rápida de su cámara, sonido y conexión.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Check your setup</source>
        <translation>Compruebe su equipo</translation>
    </message>
    <message>
        <source>Start a &amp;rehearsal call now</source>
        <translation>Iniciar una llamada de &amp;ensayo ahora</translation>
    </message>
    <message>
        <source>Start a rehearsal video visit with a test patient</source>
        <translation>Iniciar una visita por video de ensayo con un paciente de prueba</translation>
    </message>
    <message>
        <source>Try a visit with a test patient</source>
        <translation>Pruebe una visita con un paciente de prueba</translation>
    </message>
    <message>
        <source>&lt;p&gt;A rehearsal call opens the visit room with a test patient already in the waiting room: admit them, try mute, camera and the note beside the video, then hang up. Nothing is recorded in any patient&apos;s chart.&lt;/p&gt;&lt;p&gt;You can start one at any time from the Visit menu.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Una llamada de ensayo abre la sala de visita con un paciente de prueba ya en la sala de espera: admítalo, pruebe el silencio, la cámara y la nota junto al video, y luego cuelgue. No se registra nada en la historia de ningún paciente.&lt;/p&gt;&lt;p&gt;Puede iniciar una en cualquier momento desde el menú Visita.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Join the selected video visit</source>
        <translation>Unirse a la visita por video seleccionada</translation>
    </message>
    <message>
        <source>Admit the waiting patient</source>
        <translation>Admitir al paciente que espera</translation>
    </message>
    <message>
        <source>Mute or unmute</source>
        <translation>Silenciar o activar el micrófono</translation>
    </message>
    <message>
        <source>Camera off or on</source>
        <translation>Apagar o encender la cámara</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Colgar</translation>
    </message>
    <message>
        <source>Sign the note</source>
        <translation>Firmar la nota</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sincronizar ahora</translation>
    </message>
    <message>
        <source>You are ready</source>
        <translation>Todo listo</translation>
    </message>
    <message>
        <source>&lt;p&gt;Shortcuts worth knowing:&lt;/p&gt;</source>
        <translation>&lt;p&gt;Atajos útiles:&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Help, Tech check… runs the checks again; Help, Guided tour… shows this tour.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ayuda, Comprobación técnica… repite las comprobaciones; Ayuda, Guía… muestra de nuevo esta guía.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Step {step} of {steps}</source>
        <translation>Paso {step} de {steps}</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Terminar</translation>
    </message>
    <message>
        <source>Finish the tour</source>
        <translation>Terminar la guía</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Outpost hit a problem</source>
        <translation>Outpost tuvo un problema</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Your note has been saved on this computer. If it happens again, send the log file to your IT team.</source>
        <translation>Algo inesperado salió mal. Su nota se ha guardado en este ordenador. Si vuelve a ocurrir, envíe el archivo de registro a su equipo de informática.</translation>
    </message>
    <message>
        <source>Outpost</source>
        <translation>Outpost</translation>
    </message>
    <message>
        <source>Schedule and notes</source>
        <translation>Agenda y notas</translation>
    </message>
    <message>
        <source>Checking changes waiting to sync…</source>
        <translation>Comprobando los cambios pendientes de sincronizar…</translation>
    </message>
    <message>
        <source>Sync status</source>
        <translation>Estado de la sincronización</translation>
    </message>
    <message>
        <source>Status bar</source>
        <translation>Barra de estado</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Aún sin sincronizar</translation>
    </message>
    <message>
        <source>Connection to the server</source>
        <translation>Conexión con el servidor</translation>
    </message>
    <message>
        <source>Sync details…</source>
        <translation>Detalles de sincronización…</translation>
    </message>
    <message>
        <source>Open the sync panel</source>
        <translation>Abrir el panel de sincronización</translation>
    </message>
    <message>
        <source>Profile: {profile}</source>
        <translation>Perfil: {profile}</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Perfil</translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation>Barra de menús</translation>
    </message>
    <message>
        <source>More menus</source>
        <translation>Más menús</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Nota</translation>
    </message>
    <message>
        <source>Note menu</source>
        <translation>Menú Nota</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>&amp;Día</translation>
    </message>
    <message>
        <source>Day menu</source>
        <translation>Menú Día</translation>
    </message>
    <message>
        <source>&amp;New note</source>
        <translation>&amp;Nueva nota</translation>
    </message>
    <message>
        <source>&amp;Sign note…</source>
        <translation>&amp;Firmar nota…</translation>
    </message>
    <message>
        <source>&amp;Amend signed note…</source>
        <translation>&amp;Enmendar nota firmada…</translation>
    </message>
    <message>
        <source>&amp;Previous day</source>
        <translation>Día &amp;anterior</translation>
    </message>
    <message>
        <source>N&amp;ext day</source>
        <translation>Día &amp;siguiente</translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation>&amp;Hoy</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>&amp;Sincronizar</translation>
    </message>
    <message>
        <source>Sync menu</source>
        <translation>Menú Sincronizar</translation>
    </message>
    <message>
        <source>Sync &amp;now</source>
        <translation>Sincronizar &amp;ahora</translation>
    </message>
    <message>
        <source>Sync &amp;panel and conflicts…</source>
        <translation>&amp;Panel de sincronización y conflictos…</translation>
    </message>
    <message>
        <source>&amp;Visit</source>
        <translation>&amp;Visita</translation>
    </message>
    <message>
        <source>Visit menu</source>
        <translation>Menú Visita</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>&amp;Cuenta</translation>
    </message>
    <message>
        <source>Account menu</source>
        <translation>Menú Cuenta</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>&amp;Bloquear ahora</translation>
    </message>
    <message>
        <source>Sign &amp;in again…</source>
        <translation>&amp;Volver a iniciar sesión…</translation>
    </message>
    <message>
        <source>Sign &amp;out…</source>
        <translation>Cerrar &amp;sesión…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>Help menu</source>
        <translation>Menú Ayuda</translation>
    </message>
    <message>
        <source>&amp;Tech check…</source>
        <translation>&amp;Comprobación técnica…</translation>
    </message>
    <message>
        <source>&amp;Guided tour…</source>
        <translation>&amp;Guía…</translation>
    </message>
    <message>
        <source>Sync status unknown</source>
        <translation>Estado de la sincronización desconocido</translation>
    </message>
    <message>
        <source>Select an appointment first, then start a note.</source>
        <translation>Seleccione primero una cita y después empiece una nota.</translation>
    </message>
    <message>
        <source>Your sign-in has expired: choose Account, Sign in again to keep syncing.</source>
        <translation>Su sesión ha caducado: elija Cuenta, Volver a iniciar sesión para seguir sincronizando.</translation>
    </message>
    <message>
        <source>Nothing waiting to sync</source>
        <translation>Nada pendiente de sincronizar</translation>
    </message>
    <message>
        <source>All changes synced</source>
        <translation>Todos los cambios sincronizados</translation>
    </message>
    <message>
        <source>1 change waiting to sync</source>
        <translation>1 cambio pendiente de sincronizar</translation>
    </message>
    <message>
        <source>{count} changes waiting to sync</source>
        <translation>{count} cambios pendientes de sincronizar</translation>
    </message>
    <message>
        <source>{count} need attention</source>
        <translation>{count} requieren atención</translation>
    </message>
    <message>
        <source>Finish the visit first, then run the tech check.</source>
        <translation>Termine primero la visita y luego haga la comprobación técnica.</translation>
    </message>
</context>
<context>
    <name>NoteActionsWidget</name>
    <message>
        <source>Save status</source>
        <translation>Estado del guardado</translation>
    </message>
    <message>
        <source>Sign note…</source>
        <translation>Firmar nota…</translation>
    </message>
    <message>
        <source>Sign note</source>
        <translation>Firmar nota</translation>
    </message>
    <message>
        <source>Sign this note; it becomes read-only (Ctrl+Return)</source>
        <translation>Firmar esta nota; pasa a ser de solo lectura (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>Amend…</source>
        <translation>Enmendar…</translation>
    </message>
    <message>
        <source>Amend signed note</source>
        <translation>Enmendar nota firmada</translation>
    </message>
    <message>
        <source>Correct a signed note with a reason; the original is kept (Ctrl+Shift+A)</source>
        <translation>Corregir una nota firmada indicando el motivo; se conserva la original (Ctrl+Mayús+A)</translation>
    </message>
    <message>
        <source>New note — saved automatically as you type</source>
        <translation>Nota nueva: se guarda automáticamente mientras escribe</translation>
    </message>
    <message>
        <source>Signed — read only</source>
        <translation>Firmada: solo lectura</translation>
    </message>
    <message>
        <source>Replaced by an amendment — read only</source>
        <translation>Sustituida por una enmienda: solo lectura</translation>
    </message>
    <message>
        <source>Draft — saved automatically as you type</source>
        <translation>Borrador: se guarda automáticamente mientras escribe</translation>
    </message>
    <message>
        <source>Saved {time}</source>
        <translation>Guardado a las {time}</translation>
    </message>
</context>
<context>
    <name>NoteDraftController</name>
    <message>
        <source>Type the note before signing it.</source>
        <translation>Escriba la nota antes de firmarla.</translation>
    </message>
</context>
<context>
    <name>NoteEditorWidget</name>
    <message>
        <source>Select an appointment to see and write its notes.</source>
        <translation>Seleccione una cita para ver y escribir sus notas.</translation>
    </message>
    <message>
        <source>Notes for this visit</source>
        <translation>Notas de esta visita</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>Nueva nota</translation>
    </message>
    <message>
        <source>Start a new note for this visit (Ctrl+N)</source>
        <translation>Empezar una nota nueva para esta visita (Ctrl+N)</translation>
    </message>
    <message>
        <source>Loading notes…</source>
        <translation>Cargando notas…</translation>
    </message>
    <message>
        <source>Type the note before signing it.</source>
        <translation>Escriba la nota antes de firmarla.</translation>
    </message>
    <message>
        <source>Draft — not saved yet</source>
        <translation>Borrador: aún no guardado</translation>
    </message>
    <message>
        <source>Notes could not be loaded</source>
        <translation>No se pudieron cargar las notas</translation>
    </message>
    <message>
        <source>{reason} Select the appointment again to retry.</source>
        <translation>{reason} Vuelva a seleccionar la cita para reintentar.</translation>
    </message>
    <message>
        <source>Signing the amendment…</source>
        <translation>Firmando la enmienda…</translation>
    </message>
    <message>
        <source>Amendment signed {time}</source>
        <translation>Enmienda firmada a las {time}</translation>
    </message>
    <message>
        <source>Not amended: {reason}</source>
        <translation>No enmendada: {reason}</translation>
    </message>
    <message>
        <source>Opening note…</source>
        <translation>Abriendo la nota…</translation>
    </message>
    <message>
        <source>Note could not be opened</source>
        <translation>No se pudo abrir la nota</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>Firmando…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Saved {time}</source>
        <translation>Guardado a las {time}</translation>
    </message>
    <message>
        <source>Not saved: {reason} Your text is kept here and will be saved again automatically.</source>
        <translation>No guardado: {reason} Su texto se conserva aquí y se volverá a guardar automáticamente.</translation>
    </message>
    <message>
        <source>Signed {time}</source>
        <translation>Firmada a las {time}</translation>
    </message>
    <message>
        <source>Not signed: {reason}</source>
        <translation>No firmada: {reason}</translation>
    </message>
</context>
<context>
    <name>NoteHistoryWidget</name>
    <message>
        <source>History of this note</source>
        <translation>Historial de esta nota</translation>
    </message>
    <message>
        <source>reason: {reason}</source>
        <translation>motivo: {reason}</translation>
    </message>
    <message>
        <source>Amendment {number}</source>
        <translation>Enmienda {number}</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Borrador</translation>
    </message>
    <message>
        <source>Original note</source>
        <translation>Nota original</translation>
    </message>
    <message>
        <source>saved {time}</source>
        <translation>guardado a las {time}</translation>
    </message>
    <message>
        <source>signed {time}</source>
        <translation>firmada el {time}</translation>
    </message>
    <message>
        <source>by you</source>
        <translation>por usted</translation>
    </message>
    <message>
        <source>by another clinician</source>
        <translation>por otro profesional</translation>
    </message>
    <message>
        <source>Conflict: the server has another version (see Sync panel)</source>
        <translation>Conflicto: el servidor tiene otra versión (vea el panel de sincronización)</translation>
    </message>
    <message>
        <source>Needs attention: {message}</source>
        <translation>Requiere atención: {message}</translation>
    </message>
    <message>
        <source>Needs attention (see Sync panel)</source>
        <translation>Requiere atención (vea el panel de sincronización)</translation>
    </message>
    <message>
        <source>Waiting to sync</source>
        <translation>Pendiente de sincronizar</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>Sincronizada</translation>
    </message>
</context>
<context>
    <name>NoteListWidget</name>
    <message>
        <source>Notes for this visit</source>
        <translation>Notas de esta visita</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Borrador</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>Firmada</translation>
    </message>
    <message>
        <source>Original (amended)</source>
        <translation>Original (enmendada)</translation>
    </message>
    <message>
        <source>Amendment</source>
        <translation>Enmienda</translation>
    </message>
    <message>
        <source>Saved on this computer — waiting to sync (1 change)</source>
        <translation>Guardado en este ordenador: pendiente de sincronizar (1 cambio)</translation>
    </message>
    <message>
        <source>Saved on this computer — waiting to sync ({count} changes)</source>
        <translation>Guardado en este ordenador: pendiente de sincronizar ({count} cambios)</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>Sincronizada</translation>
    </message>
    <message>
        <source>{status} · {time} · {sync}</source>
        <translation>{status} · {time} · {sync}</translation>
    </message>
</context>
<context>
    <name>ScheduleModel</name>
    <message>
        <source>Proposed</source>
        <translation>Propuesta</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservada</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>Llegó</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Completada</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>No se presentó</translation>
    </message>
    <message>
        <source>Entered in error</source>
        <translation>Introducida por error</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Registrada</translation>
    </message>
    <message>
        <source>Waitlist</source>
        <translation>Lista de espera</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Vídeo</translation>
    </message>
    <message>
        <source>In person</source>
        <translation>Presencial</translation>
    </message>
    <message>
        <source>Waiting {time}</source>
        <translation>Esperando {time}</translation>
    </message>
    <message>
        <source>Admitted</source>
        <translation>Admitido</translation>
    </message>
    <message>
        <source>In a call</source>
        <translation>En llamada</translation>
    </message>
    <message>
        <source>{start}–{end}</source>
        <translation>{start}–{end}</translation>
    </message>
    <message>
        <source>{time}, {patient}, {reason}, {visit_type}, {status}</source>
        <translation>{time}, {patient}, {reason}, {visit_type}, {status}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>sin motivo indicado</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Visit type</source>
        <translation>Tipo de visita</translation>
    </message>
    <message>
        <source>Waiting room</source>
        <translation>Sala de espera</translation>
    </message>
</context>
<context>
    <name>SchedulePanelWidget</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ Anterior</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Día anterior</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Go to today</source>
        <translation>Ir a hoy</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Siguiente ▶</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Día siguiente</translation>
    </message>
    <message>
        <source>Appointments of the day</source>
        <translation>Citas del día</translation>
    </message>
    <message>
        <source>Row numbers</source>
        <translation>Números de fila</translation>
    </message>
    <message>
        <source>Select all appointments</source>
        <translation>Seleccionar todas las citas</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Columnas</translation>
    </message>
    <message>
        <source>No appointments on this day.</source>
        <translation>No hay citas este día.</translation>
    </message>
    <message>
        <source>Loading the schedule…</source>
        <translation>Cargando la agenda…</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Try loading the schedule again</source>
        <translation>Volver a cargar la agenda</translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation>{action} ({keys})</translation>
    </message>
    <message>
        <source>1 appointment</source>
        <translation>1 cita</translation>
    </message>
    <message>
        <source>{count} appointments</source>
        <translation>{count} citas</translation>
    </message>
    <message>
        <source>Today, {date}</source>
        <translation>Hoy, {date}</translation>
    </message>
    <message>
        <source>The schedule could not be loaded. {reason} Then press Try again.</source>
        <translation>No se pudo cargar la agenda. {reason} Después pulse Reintentar.</translation>
    </message>
</context>
<context>
    <name>SignInOffline</name>
    <message>
        <source>The server cannot be reached. Unlock with your password on this computer; sync resumes when the connection is back.</source>
        <translation>No se puede contactar con el servidor. Desbloquee con su contraseña en este ordenador; la sincronización se reanudará cuando vuelva la conexión.</translation>
    </message>
    <message>
        <source>The server cannot be reached, and this computer cannot check your password without it (for example after signing in through the browser). Unlocking needs the server: try again when the connection is back. Your notes are safe: the draft is saved on this computer.</source>
        <translation>No se puede contactar con el servidor, y este ordenador no puede comprobar su contraseña sin él (por ejemplo, si inició sesión con el navegador). Para desbloquear hace falta el servidor: vuelva a intentarlo cuando vuelva la conexión. Sus notas están a salvo: el borrador está guardado en este ordenador.</translation>
    </message>
    <message>
        <source>Too many wrong passwords. Unlocking now needs the server: try again when the connection is back. Your notes are safe: the draft is saved on this computer.</source>
        <translation>Demasiadas contraseñas incorrectas. Ahora para desbloquear hace falta el servidor: vuelva a intentarlo cuando vuelva la conexión. Sus notas están a salvo: el borrador está guardado en este ordenador.</translation>
    </message>
    <message>
        <source>The password was not accepted. One more wrong password and unlocking will need the server.</source>
        <translation>No se aceptó la contraseña. Con una contraseña incorrecta más, para desbloquear hará falta el servidor.</translation>
    </message>
    <message>
        <source>The password was not accepted. Check it and try again ({count} tries left before unlocking needs the server).</source>
        <translation>No se aceptó la contraseña. Compruébela y vuelva a intentarlo (quedan {count} intentos antes de que para desbloquear haga falta el servidor).</translation>
    </message>
</context>
<context>
    <name>SignInWidget</name>
    <message>
        <source>Server: {url}</source>
        <translation>Servidor: {url}</translation>
    </message>
    <message>
        <source>Sign in with your &amp;browser</source>
        <translation>Iniciar sesión con su &amp;navegador</translation>
    </message>
    <message>
        <source>Opens the clinic&apos;s sign-in page in your web browser</source>
        <translation>Abre la página de inicio de sesión de la clínica en su navegador</translation>
    </message>
    <message>
        <source>Or sign in here</source>
        <translation>O inicie sesión aquí</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>&amp;Usuario</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Contraseña</translation>
    </message>
    <message>
        <source>Finish signing in in your web browser, then come back here. If no browser opened, copy this address into one:</source>
        <translation>Termine de iniciar sesión en su navegador y vuelva aquí. Si no se abrió ningún navegador, copie esta dirección en uno:</translation>
    </message>
    <message>
        <source>Sign-in address</source>
        <translation>Dirección de inicio de sesión</translation>
    </message>
    <message>
        <source>&amp;Copy address</source>
        <translation>&amp;Copiar dirección</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Reintentar</translation>
    </message>
    <message>
        <source>Checking how this server signs you in…</source>
        <translation>Comprobando cómo se inicia sesión en este servidor…</translation>
    </message>
    <message>
        <source>Unlock on this computer</source>
        <translation>Desbloquear en este ordenador</translation>
    </message>
    <message>
        <source>This server offers no way of signing in that Outpost knows.</source>
        <translation>Este servidor no ofrece ninguna forma de iniciar sesión que Outpost conozca.</translation>
    </message>
    <message>
        <source>Opening your browser…</source>
        <translation>Abriendo su navegador…</translation>
    </message>
    <message>
        <source>Type your user name and password.</source>
        <translation>Escriba su usuario y contraseña.</translation>
    </message>
    <message>
        <source>Checking your password on this computer…</source>
        <translation>Comprobando su contraseña en este ordenador…</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Iniciando sesión…</translation>
    </message>
    <message>
        <source>Address copied.</source>
        <translation>Dirección copiada.</translation>
    </message>
    <message>
        <source>Signing in was cancelled.</source>
        <translation>Se canceló el inicio de sesión.</translation>
    </message>
</context>
<context>
    <name>SoapEditorWidget</name>
    <message>
        <source>Note (&amp;free text)</source>
        <translation>Nota (&amp;texto libre)</translation>
    </message>
    <message>
        <source>S&amp;ubjective — what the patient reports</source>
        <translation>S&amp;ubjetivo: lo que cuenta el paciente</translation>
    </message>
    <message>
        <source>O&amp;bjective — what you observe and measure</source>
        <translation>O&amp;bjetivo: lo que observa y mide</translation>
    </message>
    <message>
        <source>Assess&amp;ment — your clinical impression</source>
        <translation>E&amp;valuación: su impresión clínica</translation>
    </message>
    <message>
        <source>P&amp;lan — treatment, prescriptions, follow-up</source>
        <translation>P&amp;lan: tratamiento, recetas, seguimiento</translation>
    </message>
    <message>
        <source>Note text</source>
        <translation>Texto de la nota</translation>
    </message>
    <message>
        <source>Subjective</source>
        <translation>Subjetivo</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Objetivo</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>Evaluación</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Type the visit note here. It is saved on this computer as you type.</source>
        <translation>Escriba aquí la nota de la visita. Se guarda en este ordenador mientras escribe.</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source> · this computer&apos;s clock is {n} min off</source>
        <translation> · el reloj de este ordenador tiene {n} min de diferencia</translation>
    </message>
    <message>
        <source>Synced at {time}</source>
        <translation>Sincronizado a las {time}</translation>
    </message>
    <message>
        <source>Synced at {time} · {count} need your attention</source>
        <translation>Sincronizado a las {time} · {count} requieren su atención</translation>
    </message>
    <message>
        <source>Offline: changes are kept on this computer{retry}</source>
        <translation>Sin conexión: los cambios se guardan en este ordenador{retry}</translation>
    </message>
    <message>
        <source>The server is busy: changes are kept{retry}</source>
        <translation>El servidor está ocupado: los cambios se guardan{retry}</translation>
    </message>
    <message>
        <source>Not signed in: changes are kept on this computer until you sign in</source>
        <translation>Sin sesión iniciada: los cambios se guardan en este ordenador hasta que inicie sesión</translation>
    </message>
    <message>
        <source>Another Outpost window is syncing this profile</source>
        <translation>Otra ventana de Outpost está sincronizando este perfil</translation>
    </message>
    <message>
        <source>Sync failed: {detail}{retry}</source>
        <translation>La sincronización falló: {detail}{retry}</translation>
    </message>
    <message>
        <source> · trying again in {n} s</source>
        <translation> · se reintentará en {n} s</translation>
    </message>
    <message>
        <source> · trying again in {n} min</source>
        <translation> · se reintentará en {n} min</translation>
    </message>
</context>
<context>
    <name>SyncPanelDialog</name>
    <message>
        <source>Sync</source>
        <translation>Sincronización</translation>
    </message>
</context>
<context>
    <name>SyncPanelWidget</name>
    <message>
        <source>Sync &amp;now</source>
        <translation>Sincronizar &amp;ahora</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sincronizar ahora</translation>
    </message>
    <message>
        <source>Send and fetch changes now (F5)</source>
        <translation>Enviar y recibir cambios ahora (F5)</translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation>Conexión:</translation>
    </message>
    <message>
        <source>Waiting to send:</source>
        <translation>Pendiente de enviar:</translation>
    </message>
    <message>
        <source>Oldest waiting change:</source>
        <translation>Cambio pendiente más antiguo:</translation>
    </message>
    <message>
        <source>Last successful sync:</source>
        <translation>Última sincronización correcta:</translation>
    </message>
    <message>
        <source>Needs your &amp;attention</source>
        <translation>Requiere su &amp;atención</translation>
    </message>
    <message>
        <source>Changes that need your attention</source>
        <translation>Cambios que requieren su atención</translation>
    </message>
    <message>
        <source>The refused change</source>
        <translation>El cambio rechazado</translation>
    </message>
    <message>
        <source>Nothing needs your attention.</source>
        <translation>Nada requiere su atención.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>{age} ago</source>
        <translation>hace {age}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>{time} (server time)</source>
        <translation>{time} (hora del servidor)</translation>
    </message>
    <message>
        <source>Needs your &amp;attention ({count})</source>
        <translation>Requiere su &amp;atención ({count})</translation>
    </message>
    <message>
        <source>a visit not on this computer</source>
        <translation>una visita que no está en este ordenador</translation>
    </message>
    <message>
        <source>{patient}, visit {time}</source>
        <translation>{patient}, visita del {time}</translation>
    </message>
    <message>
        <source>note</source>
        <translation>nota</translation>
    </message>
    <message>
        <source>status</source>
        <translation>estado</translation>
    </message>
    <message>
        <source>Conflict · {visit} · {noun} · found {time}</source>
        <translation>Conflicto · {visit} · {noun} · detectado a las {time}</translation>
    </message>
    <message>
        <source>Refused · {visit} · {what} · {message}</source>
        <translation>Rechazado · {visit} · {what} · {message}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>sin motivo indicado</translation>
    </message>
    <message>
        <source>The server refused this change: “{message}”. It is kept on this computer and not sent again by itself; if the message does not say what to do, tell your IT team.</source>
        <translation>El servidor rechazó este cambio: «{message}». Se guarda en este ordenador y no se vuelve a enviar solo; si el mensaje no dice qué hacer, avise a su equipo de informática.</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Sincronizando…</translation>
    </message>
</context>
<context>
    <name>SyncWords</name>
    <message>
        <source>less than a minute</source>
        <translation>menos de un minuto</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation>{d} días</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nada</translation>
    </message>
    <message>
        <source>1 change</source>
        <translation>1 cambio</translation>
    </message>
    <message>
        <source>{count} changes</source>
        <translation>{count} cambios</translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation>Aún no comprobado</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <source>Offline: your work is kept on this computer</source>
        <translation>Sin conexión: su trabajo se guarda en este ordenador</translation>
    </message>
    <message>
        <source>Online, but the server is busy</source>
        <translation>Conectado, pero el servidor está ocupado</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Sin sesión iniciada</translation>
    </message>
    <message>
        <source>Another Outpost window is syncing</source>
        <translation>Otra ventana de Outpost está sincronizando</translation>
    </message>
    <message>
        <source>The last sync failed</source>
        <translation>La última sincronización falló</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>Nueva nota</translation>
    </message>
    <message>
        <source>Draft saved</source>
        <translation>Borrador guardado</translation>
    </message>
    <message>
        <source>Note signed</source>
        <translation>Nota firmada</translation>
    </message>
    <message>
        <source>Note amended</source>
        <translation>Nota enmendada</translation>
    </message>
    <message>
        <source>Appointment status</source>
        <translation>Estado de la cita</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Kept both: your text is now a new draft note on the same visit and will be sent; the note shows the server&apos;s version.</source>
        <translation>Se conservaron ambas: su texto es ahora un borrador nuevo en la misma visita y se enviará; la nota muestra la versión del servidor.</translation>
    </message>
    <message>
        <source>The server&apos;s version is shown; your change is kept in the audit record.</source>
        <translation>Se muestra la versión del servidor; su cambio queda en el registro de auditoría.</translation>
    </message>
    <message>
        <source>The server already has your change.</source>
        <translation>El servidor ya tiene su cambio.</translation>
    </message>
    <message>
        <source>Your change will be sent again on top of the server&apos;s version.</source>
        <translation>Su cambio se volverá a enviar sobre la versión del servidor.</translation>
    </message>
</context>
<context>
    <name>TechCheckDialog</name>
    <message>
        <source>Tech check</source>
        <translation>Comprobación técnica</translation>
    </message>
</context>
<context>
    <name>TechCheckWidget</name>
    <message>
        <source>Tech check</source>
        <translation>Comprobación técnica</translation>
    </message>
    <message>
        <source>Checks your camera, sound and connection for video visits.</source>
        <translation>Comprueba su cámara, sonido y conexión para las visitas por video.</translation>
    </message>
    <message>
        <source>Tech check summary</source>
        <translation>Resumen de la comprobación técnica</translation>
    </message>
    <message>
        <source>Your camera&apos;s picture appears here.</source>
        <translation>Aquí aparece la imagen de su cámara.</translation>
    </message>
    <message>
        <source>Camera preview</source>
        <translation>Vista previa de la cámara</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Nivel del micrófono</translation>
    </message>
    <message>
        <source>Microphone level (speak to see it move):</source>
        <translation>Nivel del micrófono (hable para verlo moverse):</translation>
    </message>
    <message>
        <source>&amp;Play test sound</source>
        <translation>&amp;Reproducir sonido de prueba</translation>
    </message>
    <message>
        <source>Play a test sound on your speaker</source>
        <translation>Reproducir un sonido de prueba en su altavoz</translation>
    </message>
    <message>
        <source>&amp;Yes, I heard it</source>
        <translation>&amp;Sí, lo oí</translation>
    </message>
    <message>
        <source>I heard the test sound</source>
        <translation>Oí el sonido de prueba</translation>
    </message>
    <message>
        <source>&amp;No sound</source>
        <translation>&amp;No oí nada</translation>
    </message>
    <message>
        <source>I did not hear the test sound</source>
        <translation>No oí el sonido de prueba</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>Comprobar de &amp;nuevo</translation>
    </message>
    <message>
        <source>Run the checks again</source>
        <translation>Repetir las comprobaciones</translation>
    </message>
    <message>
        <source>&amp;Rehearsal call with a test patient</source>
        <translation>Llamada de &amp;ensayo con un paciente de prueba</translation>
    </message>
    <message>
        <source>Start a rehearsal video visit with a test patient</source>
        <translation>Iniciar una visita por video de ensayo con un paciente de prueba</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Comprobando…</translation>
    </message>
    <message>
        <source>Choose Play test sound and say whether you heard it.</source>
        <translation>Elija Reproducir sonido de prueba e indique si lo oyó.</translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) need attention before a visit: see what to do below.</source>
        <translation>
            <numerusform>%n comprobación requiere atención antes de una visita: vea abajo qué hacer.</numerusform>
            <numerusform>%n comprobaciones requieren atención antes de una visita: vea abajo qué hacer.</numerusform>
        </translation>
    </message>
    <message>
        <source>Video visits will work, with the limits noted below.</source>
        <translation>Las visitas por video funcionarán, con los límites indicados abajo.</translation>
    </message>
    <message>
        <source>All set so far. Play the test sound to check your speaker.</source>
        <translation>Todo bien por ahora. Reproduzca el sonido de prueba para comprobar su altavoz.</translation>
    </message>
    <message>
        <source>All set for video visits.</source>
        <translation>Todo listo para las visitas por video.</translation>
    </message>
</context>
<context>
    <name>TechCheckWords</name>
    <message>
        <source>Camera</source>
        <translation>Cámara</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Micrófono</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Altavoz</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>Relay server (TURN)</source>
        <translation>Servidor de retransmisión (TURN)</translation>
    </message>
    <message>
        <source>Echo</source>
        <translation>Eco</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Sin comprobar</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Correcto</translation>
    </message>
    <message>
        <source>Works, with a limit</source>
        <translation>Funciona, con un límite</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Requiere atención</translation>
    </message>
    <message>
        <source>Not needed here</source>
        <translation>No hace falta aquí</translation>
    </message>
    <message>
        <source>Opening the camera…</source>
        <translation>Abriendo la cámara…</translation>
    </message>
    <message>
        <source>Opening the microphone…</source>
        <translation>Abriendo el micrófono…</translation>
    </message>
    <message>
        <source>Playing a test sound…</source>
        <translation>Reproduciendo un sonido de prueba…</translation>
    </message>
    <message>
        <source>Measuring the connection to the server…</source>
        <translation>Midiendo la conexión con el servidor…</translation>
    </message>
    <message>
        <source>Reaching the relay servers…</source>
        <translation>Contactando con los servidores de retransmisión…</translation>
    </message>
    <message>
        <source>Playing speech and listening for echo (keep quiet a moment)…</source>
        <translation>Reproduciendo voz y escuchando el eco (guarde silencio un momento)…</translation>
    </message>
    <message>
        <source>{value} Mbit/s</source>
        <translation>{value} Mbit/s</translation>
    </message>
    <message>
        <source>{value} kbit/s</source>
        <translation>{value} kbit/s</translation>
    </message>
    <message>
        <source>{device} works: you should see yourself.</source>
        <translation>{device} funciona: debería verse a sí mismo.</translation>
    </message>
    <message>
        <source>The test picture is chosen instead of a camera (settings).</source>
        <translation>Está elegida la imagen de prueba en lugar de una cámara (configuración).</translation>
    </message>
    <message>
        <source>Your chosen camera is not connected; {device} is used instead.</source>
        <translation>La cámara elegida no está conectada; se usa {device} en su lugar.</translation>
    </message>
    <message>
        <source>No camera found. Connect one, or hold visits with audio only.</source>
        <translation>No se encontró ninguna cámara. Conecte una o haga las visitas solo con audio.</translation>
    </message>
    <message>
        <source>{device} is in use by another program or blocked. Close that program, or allow camera access in the system&apos;s privacy settings.</source>
        <translation>{device} está en uso por otro programa o bloqueada. Cierre ese programa o permita el acceso a la cámara en la configuración de privacidad del sistema.</translation>
    </message>
    <message>
        <source>{device} opened but sends no picture. Check its cover or cable, or choose another camera.</source>
        <translation>{device} se abrió pero no envía imagen. Revise la tapa o el cable, o elija otra cámara.</translation>
    </message>
    <message>
        <source>{device} hears you (loudest {level} dB). Watch the bar move.</source>
        <translation>{device} le oye (máximo {level} dB). Observe cómo se mueve la barra.</translation>
    </message>
    <message>
        <source>The test voice is chosen instead of a microphone (settings).</source>
        <translation>Está elegida la voz de prueba en lugar de un micrófono (configuración).</translation>
    </message>
    <message>
        <source>Your chosen microphone is not connected; {device} is used instead.</source>
        <translation>El micrófono elegido no está conectado; se usa {device} en su lugar.</translation>
    </message>
    <message>
        <source>No microphone found. Connect a headset: the patient cannot hear you without one.</source>
        <translation>No se encontró ningún micrófono. Conecte unos auriculares con micrófono: sin él, el paciente no puede oírle.</translation>
    </message>
    <message>
        <source>{device} is in use by another program or blocked. Close that program, or allow microphone access in the system&apos;s privacy settings.</source>
        <translation>{device} está en uso por otro programa o bloqueado. Cierre ese programa o permita el acceso al micrófono en la configuración de privacidad del sistema.</translation>
    </message>
    <message>
        <source>{device} hears nothing yet. Say a few words; if the bar stays still, check the mute switch on your headset.</source>
        <translation>{device} todavía no oye nada. Diga unas palabras; si la barra no se mueve, revise el botón de silencio de sus auriculares.</translation>
    </message>
    <message>
        <source>A test sound played on {device}. Did you hear it?</source>
        <translation>Se reprodujo un sonido de prueba en {device}. ¿Lo oyó?</translation>
    </message>
    <message>
        <source>Sound goes to the silent test output (settings); nothing plays.</source>
        <translation>El sonido va a la salida de prueba silenciosa (configuración); no se oye nada.</translation>
    </message>
    <message>
        <source>No speaker or headset found. Connect one to hear the patient.</source>
        <translation>No se encontró ningún altavoz ni auricular. Conecte uno para oír al paciente.</translation>
    </message>
    <message>
        <source>The test sound could not play on {device}. Choose another speaker or reconnect it.</source>
        <translation>El sonido de prueba no pudo reproducirse en {device}. Elija otro altavoz o vuelva a conectarlo.</translation>
    </message>
    <message>
        <source>Good for video: {rtt} ms round trip, {down} down, {up} up.</source>
        <translation>Buena para video: {rtt} ms de ida y vuelta, {down} de bajada, {up} de subida.</translation>
    </message>
    <message>
        <source>Slow ({rtt} ms round trip, {down} down, {up} up): video will be less sharp or pause, the sound stays clear.</source>
        <translation>Lenta ({rtt} ms de ida y vuelta, {down} de bajada, {up} de subida): el video será menos nítido o se pausará; el sonido seguirá claro.</translation>
    </message>
    <message>
        <source>Too slow for visits ({rtt} ms round trip, {down} down, {up} up). Move closer to the router or ask IT; notes still work offline.</source>
        <translation>Demasiado lenta para visitas ({rtt} ms de ida y vuelta, {down} de bajada, {up} de subida). Acérquese al router o consulte a informática; las notas siguen funcionando sin conexión.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the network; notes still work offline and sync later.</source>
        <translation>No se puede contactar con el servidor. Revise la red; las notas siguen funcionando sin conexión y se sincronizan después.</translation>
    </message>
    <message>
        <source>{rtt} ms round trip to the server. Sign in to measure the speed as well.</source>
        <translation>{rtt} ms de ida y vuelta al servidor. Inicie sesión para medir también la velocidad.</translation>
    </message>
    <message>
        <source>{device} answered in {ms} ms.</source>
        <translation>{device} respondió en {ms} ms.</translation>
    </message>
    <message>
        <source>{device} did not answer. Visits may fail on locked-down networks: tell IT.</source>
        <translation>{device} no respondió. Las visitas pueden fallar en redes restringidas: avise a informática.</translation>
    </message>
    <message>
        <source>No relay server is set. Visits on open networks do not need one; on a locked-down network ask IT to set one.</source>
        <translation>No hay servidor de retransmisión configurado. Las visitas en redes abiertas no lo necesitan; en una red restringida pida a informática que configure uno.</translation>
    </message>
    <message>
        <source>Your speaker&apos;s sound reaches the microphone, and the echo canceller removes it ({erle} dB quieter): the patient will not hear themselves.</source>
        <translation>El sonido del altavoz llega al micrófono y el cancelador de eco lo elimina ({erle} dB menos): el paciente no se oirá a sí mismo.</translation>
    </message>
    <message>
        <source>No echo reaches the microphone (a headset, or a quiet speaker).</source>
        <translation>No llega eco al micrófono (auriculares o un altavoz bajo).</translation>
    </message>
    <message>
        <source>Some echo remains ({erle} dB removed): the patient may hear themselves. Use a headset or turn the speaker down.</source>
        <translation>Queda algo de eco ({erle} dB eliminados): el paciente puede oírse a sí mismo. Use auriculares o baje el altavoz.</translation>
    </message>
    <message>
        <source>Not checked: it needs both a real speaker and a microphone.</source>
        <translation>Sin comprobar: necesita un altavoz y un micrófono reales.</translation>
    </message>
    <message>
        <source>This check could not finish. Choose Check again in a moment.</source>
        <translation>Esta comprobación no pudo terminar. Elija Comprobar de nuevo en un momento.</translation>
    </message>
    <message>
        <source>Relay-only calls are set but no relay server is: visits cannot connect. Ask IT.</source>
        <translation>Están configuradas las llamadas solo por retransmisión pero no hay servidor de retransmisión: las visitas no pueden conectarse. Consulte a informática.</translation>
    </message>
    <message>
        <source>The device</source>
        <translation>El dispositivo</translation>
    </message>
</context>
<context>
    <name>TodayViewWidget</name>
    <message>
        <source>Join video visit</source>
        <translation>Unirse a la videoconsulta</translation>
    </message>
    <message>
        <source>Open the visit room</source>
        <translation>Abrir la sala de la consulta</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>Registrar llegada</translation>
    </message>
    <message>
        <source>Mark the patient as checked in</source>
        <translation>Marcar al paciente como registrado</translation>
    </message>
    <message>
        <source>Copy patient&apos;s link</source>
        <translation>Copiar enlace del paciente</translation>
    </message>
    <message>
        <source>Copy the patient&apos;s video visit link to send by text or email</source>
        <translation>Copiar el enlace de la videoconsulta del paciente para enviarlo por mensaje o correo</translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation>{action} ({keys})</translation>
    </message>
    <message>
        <source>Select a video visit first, then join it.</source>
        <translation>Seleccione primero una videoconsulta y luego únase.</translation>
    </message>
    <message>
        <source>Only a booked appointment can be checked in.</source>
        <translation>Solo se puede registrar la llegada de una cita reservada.</translation>
    </message>
    <message>
        <source>This appointment has no video visit link.</source>
        <translation>Esta cita no tiene enlace de videoconsulta.</translation>
    </message>
    <message>
        <source>The patient&apos;s link is copied: paste it into a text message or an email.</source>
        <translation>El enlace del paciente está copiado: péguelo en un mensaje o en un correo.</translation>
    </message>
    <message>
        <source>This visit is not on this computer yet. Sync (F5), then join it.</source>
        <translation>Esta consulta aún no está en este ordenador. Sincronice (F5) y luego únase.</translation>
    </message>
    <message>
        <source>Checked in.</source>
        <translation>Llegada registrada.</translation>
    </message>
    <message>
        <source>Not checked in: {reason}</source>
        <translation>Llegada no registrada: {reason}</translation>
    </message>
</context>
<context>
    <name>VisitPaneWidget</name>
    <message>
        <source>&amp;Join video visit</source>
        <translation>&amp;Unirse a la videoconsulta</translation>
    </message>
    <message>
        <source>&amp;Admit patient</source>
        <translation>&amp;Admitir al paciente</translation>
    </message>
    <message>
        <source>&amp;Mute or unmute</source>
        <translation>Silenciar o activar el &amp;micrófono</translation>
    </message>
    <message>
        <source>&amp;Camera off or on</source>
        <translation>Apagar o encender la &amp;cámara</translation>
    </message>
    <message>
        <source>&amp;Hang up</source>
        <translation>Co&amp;lgar</translation>
    </message>
    <message>
        <source>Copy patient&apos;s &amp;link</source>
        <translation>Copiar &amp;enlace del paciente</translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation>Registrar lle&amp;gada</translation>
    </message>
    <message>
        <source>&amp;Rehearsal call with a test patient</source>
        <translation>Llamada de &amp;ensayo con un paciente de prueba</translation>
    </message>
    <message>
        <source>Finish the open visit first (Hang up), then join.</source>
        <translation>Termine primero la consulta abierta (Colgar) y luego únase.</translation>
    </message>
    <message>
        <source>Nobody is waiting to be admitted in an open visit.</source>
        <translation>Nadie espera a ser admitido en una consulta abierta.</translation>
    </message>
    <message>
        <source>The visit room could not be opened. {reason}</source>
        <translation>No se pudo abrir la sala de la consulta. {reason}</translation>
    </message>
</context>
<context>
    <name>VisitRoomWidget</name>
    <message>
        <source>Visit room</source>
        <translation>Sala de la consulta</translation>
    </message>
    <message>
        <source>Connection quality</source>
        <translation>Calidad de la conexión</translation>
    </message>
    <message>
        <source>Visit status</source>
        <translation>Estado de la consulta</translation>
    </message>
    <message>
        <source>Patient&apos;s video</source>
        <translation>Vídeo del paciente</translation>
    </message>
    <message>
        <source>Your camera</source>
        <translation>Su cámara</translation>
    </message>
    <message>
        <source>Admit patient</source>
        <translation>Admitir al paciente</translation>
    </message>
    <message>
        <source>Admit the patient</source>
        <translation>Admitir al paciente</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Silenciar</translation>
    </message>
    <message>
        <source>Mute your microphone</source>
        <translation>Silenciar su micrófono</translation>
    </message>
    <message>
        <source>Camera off</source>
        <translation>Apagar cámara</translation>
    </message>
    <message>
        <source>Turn your camera off</source>
        <translation>Apagar su cámara</translation>
    </message>
    <message>
        <source>Copy patient&apos;s link</source>
        <translation>Copiar enlace del paciente</translation>
    </message>
    <message>
        <source>Copy the patient&apos;s link</source>
        <translation>Copiar el enlace del paciente</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Open the visit room again</source>
        <translation>Volver a abrir la sala de la consulta</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Colgar</translation>
    </message>
    <message>
        <source>End the visit</source>
        <translation>Terminar la consulta</translation>
    </message>
    <message>
        <source>Back to schedule</source>
        <translation>Volver a la agenda</translation>
    </message>
    <message>
        <source>Close the visit room</source>
        <translation>Cerrar la sala de la consulta</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Cámara</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Micrófono</translation>
    </message>
    <message>
        <source>S&amp;peaker:</source>
        <translation>&amp;Altavoz:</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Dispositivos</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Altavoz</translation>
    </message>
    <message>
        <source>&amp;Camera:</source>
        <translation>&amp;Cámara:</translation>
    </message>
    <message>
        <source>M&amp;icrophone:</source>
        <translation>M&amp;icrófono:</translation>
    </message>
    <message>
        <source>{device} choices</source>
        <translation>Opciones de {device}</translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation>{action} ({keys})</translation>
    </message>
    <message>
        <source>{patient} · {time} video visit</source>
        <translation>{patient} · videoconsulta de las {time}</translation>
    </message>
    <message>
        <source>Rehearsal with a test patient</source>
        <translation>Ensayo con un paciente de prueba</translation>
    </message>
    <message>
        <source>In the visit · {elapsed}</source>
        <translation>En la consulta · {elapsed}</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Activar micrófono</translation>
    </message>
    <message>
        <source>Camera on</source>
        <translation>Encender cámara</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Silenciado</translation>
    </message>
    <message>
        <source>Reconnecting… the last picture is shown.</source>
        <translation>Reconectando… se muestra la última imagen.</translation>
    </message>
    <message>
        <source>The patient&apos;s video has paused; the last picture is shown.</source>
        <translation>El vídeo del paciente se ha detenido; se muestra la última imagen.</translation>
    </message>
    <message>
        <source>The patient&apos;s video appears here once they join and you admit them.</source>
        <translation>El vídeo del paciente aparece aquí cuando se una y usted lo admita.</translation>
    </message>
    <message>
        <source>The patient is waiting. Admit them to see and hear them.</source>
        <translation>El paciente está esperando. Admítalo para verlo y oírlo.</translation>
    </message>
    <message>
        <source>Connecting the video…</source>
        <translation>Conectando el vídeo…</translation>
    </message>
    <message>
        <source>No video from the patient yet; you can still talk.</source>
        <translation>Aún no llega vídeo del paciente; ya pueden hablar.</translation>
    </message>
</context>
<context>
    <name>VisitWords</name>
    <message>
        <source>No visit open</source>
        <translation>Ninguna consulta abierta</translation>
    </message>
    <message>
        <source>Opening the visit room…</source>
        <translation>Abriendo la sala de la consulta…</translation>
    </message>
    <message>
        <source>Waiting for the patient to join. Copy the link if they need it again.</source>
        <translation>Esperando a que el paciente se una. Copie el enlace si lo necesita de nuevo.</translation>
    </message>
    <message>
        <source>The patient is in the waiting room. Admit them to start.</source>
        <translation>El paciente está en la sala de espera. Admítalo para empezar.</translation>
    </message>
    <message>
        <source>Patient admitted. Connecting the video…</source>
        <translation>Paciente admitido. Conectando el vídeo…</translation>
    </message>
    <message>
        <source>In the visit</source>
        <translation>En la consulta</translation>
    </message>
    <message>
        <source>Reconnecting… the visit continues when the link is back.</source>
        <translation>Reconectando… la consulta continúa cuando vuelva la conexión.</translation>
    </message>
    <message>
        <source>The visit has ended</source>
        <translation>La consulta ha terminado</translation>
    </message>
    <message>
        <source>The visit could not continue</source>
        <translation>La consulta no pudo continuar</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconectando…</translation>
    </message>
    <message>
        <source>Good connection</source>
        <translation>Buena conexión</translation>
    </message>
    <message>
        <source>Slower connection: video sharpness reduced</source>
        <translation>Conexión más lenta: nitidez del vídeo reducida</translation>
    </message>
    <message>
        <source>Weak connection: low-resolution video to keep the sound clear</source>
        <translation>Conexión débil: vídeo de baja resolución para mantener el sonido claro</translation>
    </message>
    <message>
        <source>Weak connection: audio only; video resumes when the link improves</source>
        <translation>Conexión débil: solo audio; el vídeo vuelve cuando mejore la conexión</translation>
    </message>
    <message>
        <source>The patient left the visit after {length}.</source>
        <translation>El paciente salió de la consulta tras {length}.</translation>
    </message>
    <message>
        <source>The connection to the visit room was lost after {length}.</source>
        <translation>Se perdió la conexión con la sala de la consulta tras {length}.</translation>
    </message>
    <message>
        <source>The visit stopped after {length} because of a problem.</source>
        <translation>La consulta se detuvo tras {length} por un problema.</translation>
    </message>
    <message>
        <source>You left the visit room.</source>
        <translation>Ha salido de la sala de la consulta.</translation>
    </message>
    <message>
        <source>Visit ended after {length}.</source>
        <translation>Consulta terminada tras {length}.</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} min {seconds} s</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>ahora mismo</translation>
    </message>
    <message>
        <source>1 min</source>
        <translation>1 min</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} min</translation>
    </message>
    <message>
        <source>Test camera (moving pattern)</source>
        <translation>Cámara de prueba (patrón en movimiento)</translation>
    </message>
    <message>
        <source>Test microphone (synthetic voice)</source>
        <translation>Micrófono de prueba (voz sintética)</translation>
    </message>
    <message>
        <source>Test speaker (plays nothing)</source>
        <translation>Altavoz de prueba (no reproduce nada)</translation>
    </message>
    <message>
        <source>Your chosen camera is not connected: the default camera is used.</source>
        <translation>La cámara elegida no está conectada: se usa la cámara predeterminada.</translation>
    </message>
    <message>
        <source>The patient sees a test picture instead of your camera.</source>
        <translation>El paciente ve una imagen de prueba en lugar de su cámara.</translation>
    </message>
    <message>
        <source>No camera found: the patient sees a black picture.</source>
        <translation>No se encontró ninguna cámara: el paciente ve una imagen negra.</translation>
    </message>
    <message>
        <source>The camera is in use by another program or blocked: close that program or allow camera access, then pick it again.</source>
        <translation>La cámara está en uso por otro programa o bloqueada: cierre ese programa o permita el acceso a la cámara y vuelva a elegirla.</translation>
    </message>
    <message>
        <source>The camera sends no picture at the moment.</source>
        <translation>La cámara no envía imagen en este momento.</translation>
    </message>
    <message>
        <source>The camera stopped (unplugged?): pick another one.</source>
        <translation>La cámara se detuvo (¿desconectada?): elija otra.</translation>
    </message>
    <message>
        <source>Your chosen microphone is not connected: the default microphone is used.</source>
        <translation>El micrófono elegido no está conectado: se usa el micrófono predeterminado.</translation>
    </message>
    <message>
        <source>The patient hears a test voice instead of your microphone.</source>
        <translation>El paciente oye una voz de prueba en lugar de su micrófono.</translation>
    </message>
    <message>
        <source>No microphone found: the patient cannot hear you.</source>
        <translation>No se encontró ningún micrófono: el paciente no puede oírle.</translation>
    </message>
    <message>
        <source>The microphone is in use by another program or blocked: close that program or allow microphone access, then pick it again.</source>
        <translation>El micrófono está en uso por otro programa o bloqueado: cierre ese programa o permita el acceso al micrófono y vuelva a elegirlo.</translation>
    </message>
    <message>
        <source>The microphone gives no sound at the moment.</source>
        <translation>El micrófono no da sonido en este momento.</translation>
    </message>
    <message>
        <source>The microphone stopped (unplugged?): pick another one.</source>
        <translation>El micrófono se detuvo (¿desconectado?): elija otro.</translation>
    </message>
    <message>
        <source>Your chosen speaker is not connected: the default speaker is used.</source>
        <translation>El altavoz elegido no está conectado: se usa el altavoz predeterminado.</translation>
    </message>
    <message>
        <source>The patient&apos;s voice is not played (test speaker).</source>
        <translation>La voz del paciente no se reproduce (altavoz de prueba).</translation>
    </message>
    <message>
        <source>No speaker found: you cannot hear the patient.</source>
        <translation>No se encontró ningún altavoz: no puede oír al paciente.</translation>
    </message>
    <message>
        <source>The speaker cannot be opened: pick another one.</source>
        <translation>No se puede abrir el altavoz: elija otro.</translation>
    </message>
    <message>
        <source>The speaker is not playing at the moment.</source>
        <translation>El altavoz no está reproduciendo en este momento.</translation>
    </message>
    <message>
        <source>The speaker stopped (unplugged?): pick another one.</source>
        <translation>El altavoz se detuvo (¿desconectado?): elija otro.</translation>
    </message>
    <message>
        <source>The clinic server cannot be reached. Check the connection and try again.</source>
        <translation>No se puede contactar con el servidor de la clínica. Compruebe la conexión e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>Your sign-in has expired. Sign in again, then join the visit.</source>
        <translation>Su sesión ha caducado. Vuelva a iniciar sesión y únase a la consulta.</translation>
    </message>
    <message>
        <source>The visit room cannot be reached. Check the connection and try again.</source>
        <translation>No se puede contactar con la sala de la consulta. Compruebe la conexión e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>The server refused to open this visit room for you. Sync, or sign in again.</source>
        <translation>El servidor no le permitió abrir esta sala de consulta. Sincronice o vuelva a iniciar sesión.</translation>
    </message>
    <message>
        <source>This visit was opened on another computer, so it was closed here.</source>
        <translation>Esta consulta se abrió en otro ordenador, así que se cerró aquí.</translation>
    </message>
    <message>
        <source>Video visits are not set up correctly on this computer. Call your IT team.</source>
        <translation>Las videoconsultas no están bien configuradas en este ordenador. Llame a su equipo de informática.</translation>
    </message>
    <message>
        <source>The server has too many rehearsal rooms open right now. Try again in a few minutes.</source>
        <translation>El servidor tiene demasiadas salas de ensayo abiertas en este momento. Inténtelo de nuevo en unos minutos.</translation>
    </message>
</context>
<context>
    <name>WaitingBannerWidget</name>
    <message>
        <source>Waiting room</source>
        <translation>Sala de espera</translation>
    </message>
    <message>
        <source>Checking who is waiting…</source>
        <translation>Comprobando quién espera…</translation>
    </message>
    <message>
        <source>Offline: who is waiting shows again once the clinic server can be reached. The schedule and notes work as usual.</source>
        <translation>Sin conexión: quién espera se vuelve a mostrar cuando se pueda contactar con el servidor de la clínica. La agenda y las notas funcionan como siempre.</translation>
    </message>
    <message>
        <source>Sign in to see who is waiting for a video visit.</source>
        <translation>Inicie sesión para ver quién espera una videoconsulta.</translation>
    </message>
    <message>
        <source>Who is waiting cannot be shown now. {reason}</source>
        <translation>Ahora no se puede mostrar quién espera. {reason}</translation>
    </message>
    <message>
        <source>Nobody is in a waiting room right now.</source>
        <translation>Ahora no hay nadie en una sala de espera.</translation>
    </message>
    <message>
        <source>{count} patients are waiting; the first {shown} are below.</source>
        <translation>{count} pacientes esperan; abajo están los {shown} primeros.</translation>
    </message>
    <message>
        <source>A patient (sync to see who)</source>
        <translation>Un paciente (sincronice para ver quién)</translation>
    </message>
    <message>
        <source>{time} video visit</source>
        <translation>videoconsulta de las {time}</translation>
    </message>
    <message>
        <source>{who} is waiting · {waited}</source>
        <translation>{who} espera · {waited}</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Unirse</translation>
    </message>
    <message>
        <source>Join the video visit with {who}</source>
        <translation>Unirse a la videoconsulta con {who}</translation>
    </message>
    <message>
        <source>Open the visit room; then admit the patient</source>
        <translation>Abrir la sala de la consulta; después admitir al paciente</translation>
    </message>
</context>
</TS>
