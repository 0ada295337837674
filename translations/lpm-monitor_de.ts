<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>MemoryChart</name>
    <message>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>Resident memory (RSS) per worker</source>
        <translation>Residenter Speicher (RSS) je Worker</translation>
    </message>
    <message>
        <source>Heap per worker: used (solid) and total (dashed)</source>
        <translation>Heap je Worker: belegt (durchgezogen) und gesamt (gestrichelt)</translation>
    </message>
    <message>
        <source>pid %1</source>
        <translation>PID %1</translation>
    </message>
    <message>
        <source>pid %1 (exited)</source>
        <translation>PID %1 (beendet)</translation>
    </message>
</context>
<context>
    <name>MonitorWindow</name>
    <message>
        <source>LPM Monitor</source>
        <translation>LPM-Monitor</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>Ereignisprotokoll</translation>
    </message>
    <message>
        <source>Request timed out: %1</source>
        <translation>Zeitüberschreitung einer Anfrage: %1</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Workers:</source>
        <translation>Worker:</translation>
    </message>
    <message>
        <source> requests/s</source>
        <translation> Anfragen/s</translation>
    </message>
    <message>
        <source>Load:</source>
        <translation>Last:</translation>
    </message>
    <message>
        <source>Crash a worker</source>
        <translation>Worker abstürzen lassen</translation>
    </message>
    <message>
        <source>Asking a worker to crash</source>
        <translation>Ein Worker wird zum Absturz aufgefordert</translation>
    </message>
    <message>
        <source>Make a worker leak</source>
        <translation>Worker Speicher verlieren lassen</translation>
    </message>
    <message>
        <source>Worker %1 now leaks %2 MiB every 250 ms</source>
        <translation>Worker %1 verliert jetzt alle 250 ms %2 MiB</translation>
    </message>
    <message>
        <source>Soft kill</source>
        <translation>Sanft beenden</translation>
    </message>
    <message>
        <source>Soft kill: finishing accepted work, then stopping</source>
        <translation>Sanftes Beenden: angenommene Arbeit wird fertiggestellt, dann wird gestoppt</translation>
    </message>
    <message>
        <source>Soft kill done</source>
        <translation>Sanftes Beenden abgeschlossen</translation>
    </message>
    <message>
        <source>Hard kill</source>
        <translation>Sofort beenden</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Worker %1 spawned</source>
        <translation>Worker %1 gestartet</translation>
    </message>
    <message>
        <source>Restart limit reached: a dead worker was not replaced</source>
        <translation>Neustartlimit erreicht: ein beendeter Worker wurde nicht ersetzt</translation>
    </message>
    <message>
        <source>Pool online with %1 workers</source>
        <translation>Pool bereit mit %1 Workern</translation>
    </message>
    <message>
        <source>Pool stopped</source>
        <translation>Pool gestoppt</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>The pool is already running</source>
        <translation>Der Pool läuft bereits</translation>
    </message>
    <message>
        <source>Starting %1 workers of %2</source>
        <translation>Starte %1 Worker von %2</translation>
    </message>
    <message>
        <source>Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Restarts: %5   Slots waiting to respawn: %6</source>
        <translation>Durchsatz: %1 Antworten/s   Warteschlange: %2   Offen: %3   Bearbeitet: %4   Neustarts: %5   Plätze vor dem Neustart: %6</translation>
    </message>
    <message>
        <source>stopped as asked</source>
        <translation>auf Wunsch beendet</translation>
    </message>
    <message>
        <source>recycled</source>
        <translation>erneuert</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>abgestürzt</translation>
    </message>
    <message>
        <source>killed from outside</source>
        <translation>von außen beendet</translation>
    </message>
    <message>
        <source>hung</source>
        <translation>hing</translation>
    </message>
    <message>
        <source>did not start in time</source>
        <translation>nicht rechtzeitig gestartet</translation>
    </message>
    <message>
        <source>could not start</source>
        <translation>konnte nicht starten</translation>
    </message>
    <message>
        <source>broke the protocol</source>
        <translation>hat das Protokoll verletzt</translation>
    </message>
    <message>
        <source>Worker %1 (slot %2) ended: %3 - %4</source>
        <translation>Worker %1 (Platz %2) beendet: %3 – %4</translation>
    </message>
    <message>
        <source>Slot %1 respawns in %2 ms</source>
        <translation>Platz %1 startet neu in %2 ms</translation>
    </message>
    <message>
        <source>maxMemory %1 MiB</source>
        <translation>maxMemory %1 MiB</translation>
    </message>
</context>
<context>
    <name>WorkerTableModel</name>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>läuft aus</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <source>Sockets</source>
        <translation>Sockets</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Heap used</source>
        <translation>Heap belegt</translation>
    </message>
    <message>
        <source>Heap total</source>
        <translation>Heap gesamt</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>--%1 must be a number from %2 to %3, not &quot;%4&quot;.</source>
        <translation>--%1 muss eine Zahl von %2 bis %3 sein, nicht „%4“.</translation>
    </message>
    <message>
        <source>Runs a pool of demo workers under load and charts their memory live.</source>
        <translation>Betreibt einen Pool von Demo-Workern unter Last und zeigt ihren Speicher live in Diagrammen.</translation>
    </message>
    <message>
        <source>Workers in the pool.</source>
        <translation>Worker im Pool.</translation>
    </message>
    <message>
        <source>Requests per second to send.</source>
        <translation>Zu sendende Anfragen pro Sekunde.</translation>
    </message>
    <message>
        <source>Language (de, fr, en); the system&apos;s by default.</source>
        <translation>Sprache (de, fr, en); standardmäßig die des Systems.</translation>
    </message>
    <message>
        <source>Render without a display.</source>
        <translation>Ohne Bildschirm darstellen.</translation>
    </message>
    <message>
        <source>After --seconds, save the window as a PNG image and exit.</source>
        <translation>Nach --seconds das Fenster als PNG-Bild speichern und beenden.</translation>
    </message>
    <message>
        <source>Run this long, then exit (default 5 with --screenshot).</source>
        <translation>So lange laufen, dann beenden (Standard mit --screenshot: 5).</translation>
    </message>
    <message>
        <source>The worker program.</source>
        <translation>Das Worker-Programm.</translation>
    </message>
    <message>
        <source>--lang %1 is not a language.</source>
        <translation>--lang %1 ist keine Sprache.</translation>
    </message>
    <message>
        <source>No display found ($DISPLAY and $WAYLAND_DISPLAY are empty).
To run the pool under load and save a picture of the monitor instead, use:
  %1 --offscreen --screenshot FILE --seconds N</source>
        <translation>Kein Bildschirm gefunden ($DISPLAY und $WAYLAND_DISPLAY sind leer).
Um den Pool stattdessen unter Last laufen zu lassen und ein Bild des Monitors zu speichern:
  %1 --offscreen --screenshot DATEI --seconds N</translation>
    </message>
    <message>
        <source>Could not write the screenshot to %1.</source>
        <translation>Das Bildschirmfoto konnte nicht nach %1 geschrieben werden.</translation>
    </message>
</context>
</TS>
