<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>LpmError</name>
    <message>
        <source>The request timed out.</source>
        <translation>Die Anfrage hat das Zeitlimit überschritten.</translation>
    </message>
    <message>
        <source>The worker pool is shutting down.</source>
        <translation>Der Worker-Pool wird heruntergefahren.</translation>
    </message>
    <message>
        <source>The worker handling the request died and no retries were left.</source>
        <translation>Der Worker, der die Anfrage bearbeitete, ist beendet worden, und es blieben keine Wiederholungen übrig.</translation>
    </message>
    <message>
        <source>The payload cannot be sent to another process.</source>
        <translation>Die Nutzdaten können nicht an einen anderen Prozess gesendet werden.</translation>
    </message>
    <message>
        <source>The payload is larger than a message may be.</source>
        <translation>Die Nutzdaten sind größer, als eine Nachricht sein darf.</translation>
    </message>
    <message>
        <source>No worker is left and the restart limit has been reached.</source>
        <translation>Es ist kein Worker mehr übrig, und das Neustartlimit ist erreicht.</translation>
    </message>
    <message>
        <source>The worker program could not be started.</source>
        <translation>Das Worker-Programm konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>The worker broke the protocol.</source>
        <translation>Der Worker hat das Protokoll verletzt.</translation>
    </message>
    <message>
        <source>The other process went away before answering.</source>
        <translation>Der andere Prozess ist verschwunden, bevor er geantwortet hat.</translation>
    </message>
    <message>
        <source>The supervisor dropped the event without answering it.</source>
        <translation>Der Supervisor hat das Ereignis verworfen, ohne es zu beantworten.</translation>
    </message>
    <message>
        <source>The stream or socket cannot be used.</source>
        <translation>Der Datenstrom oder Socket kann nicht verwendet werden.</translation>
    </message>
    <message>
        <source>The stream&apos;s source failed part-way.</source>
        <translation>Die Quelle des Datenstroms ist unterwegs ausgefallen.</translation>
    </message>
    <message>
        <source>Too many requests are waiting for a worker.</source>
        <translation>Zu viele Anfragen warten auf einen Worker.</translation>
    </message>
    <message>
        <source>Only a local worker can take this, and the pool has none.</source>
        <translation>Das kann nur ein lokaler Worker übernehmen, und der Pool hat keinen.</translation>
    </message>
</context>
<context>
    <name>LpmSupervisor</name>
    <message>
        <source>A worker program could not be started.</source>
        <translation>Ein Worker-Programm konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>A worker exited without being asked to.</source>
        <translation>Ein Worker hat sich beendet, ohne dazu aufgefordert worden zu sein.</translation>
    </message>
    <message>
        <source>The restart limit has been reached.</source>
        <translation>Das Neustartlimit wurde erreicht.</translation>
    </message>
    <message>
        <source>A worker broke the protocol and was dropped.</source>
        <translation>Ein Worker hat das Protokoll verletzt und wurde entfernt.</translation>
    </message>
</context>
</TS>
