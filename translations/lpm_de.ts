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
</context>
</TS>
