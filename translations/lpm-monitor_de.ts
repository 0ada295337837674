<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ControlPanel</name>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Workers:</source>
        <translation>Worker:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>A worker idle this long is retired while more than the minimum remain.</source>
        <translation>Ein Worker, der so lange untätig ist, wird beendet, solange mehr als das Minimum bleiben.</translation>
    </message>
    <message>
        <source>Retire idle after:</source>
        <translation>Untätige beenden nach:</translation>
    </message>
    <message>
        <source>unbounded</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Requests waiting for a worker at most (request.maxQueued); beyond it a request is refused at once (QueueFull).</source>
        <translation>Höchstens so viele Anfragen warten auf einen Worker (request.maxQueued); darüber hinaus wird eine Anfrage sofort abgewiesen (QueueFull).</translation>
    </message>
    <message>
        <source>Queue bound:</source>
        <translation>Max. Warteschlange:</translation>
    </message>
    <message>
        <source>Refused, queue full:</source>
        <translation>Abgewiesen (voll):</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Last</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>Requests sent per second, spread evenly.</source>
        <translation>Gesendete Anfragen pro Sekunde, gleichmäßig verteilt.</translation>
    </message>
    <message>
        <source>Rate:</source>
        <translation>Rate:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Share of the requests sent with a higher priority: they go before every normal request that waits.</source>
        <translation>Anteil der Anfragen mit höherer Priorität: Sie kommen vor jeder wartenden normalen Anfrage an die Reihe.</translation>
    </message>
    <message>
        <source>High priority:</source>
        <translation>Hohe Priorität:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>The work per request: each renders a Mandelbrot tile this wide and high.</source>
        <translation>Die Arbeit je Anfrage: Jede berechnet eine Mandelbrot-Kachel dieser Breite und Höhe.</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Kachelgröße:</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Sends this many requests at once.</source>
        <translation>Sendet so viele Anfragen auf einmal.</translation>
    </message>
    <message>
        <source>Sending a burst of %1 requests</source>
        <translation>Sende eine Lastspitze von %1 Anfragen</translation>
    </message>
    <message>
        <source>Burst:</source>
        <translation>Lastspitze:</translation>
    </message>
    <message>
        <source>Faults and kills</source>
        <translation>Fehler und Beenden</translation>
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
        <source>Pool bounds: %1 to %2 workers</source>
        <translation>Poolgrenzen: %1 bis %2 Worker</translation>
    </message>
    <message>
        <source>Autoscaling</source>
        <translation>Automatische Skalierung</translation>
    </message>
    <message>
        <source>The pool grows while requests wait and every worker is busy, and retires idle workers down to the minimum.</source>
        <translation>Der Pool wächst, solange Anfragen warten und jeder Worker beschäftigt ist, und beendet untätige Worker bis hinab zum Minimum.</translation>
    </message>
    <message>
        <source>Minimum:</source>
        <translation>Minimum:</translation>
    </message>
    <message>
        <source>Maximum:</source>
        <translation>Maximum:</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Answer time, last second: high priority %1, normal %2</source>
        <translation>Antwortzeit, letzte Sekunde: hohe Priorität %1, normal %2</translation>
    </message>
    <message>
        <source>No worker was asked to crash: %1</source>
        <translation>Kein Worker wurde zum Absturz aufgefordert: %1</translation>
    </message>
    <message>
        <source>No worker was asked to leak: %1</source>
        <translation>Kein Worker wurde zum Speicherverlust aufgefordert: %1</translation>
    </message>
    <message>
        <source>The pool now keeps %1 workers</source>
        <translation>Der Pool hält jetzt %1 Worker</translation>
    </message>
    <message>
        <source>Autoscaling: requests wait, the pool grows to %1 workers</source>
        <translation>Automatische Skalierung: Anfragen warten, der Pool wächst auf %1 Worker</translation>
    </message>
    <message>
        <source>Autoscaling: the pool shrinks to %1 workers</source>
        <translation>Automatische Skalierung: der Pool schrumpft auf %1 Worker</translation>
    </message>
    <message>
        <source>Resizes the pool now. A fixed-size pool stays fixed, at the new size; an autoscaling one widens its bounds to take a count outside them.</source>
        <translation>Ändert die Poolgröße sofort. Ein Pool fester Größe bleibt fest, bei der neuen Größe; ein automatisch skalierender weitet seine Grenzen für eine Anzahl außerhalb von ihnen.</translation>
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
        <source>lost its connection</source>
        <translation>hat die Verbindung verloren</translation>
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
    <message>
        <source>Queue full (bound %1): refused %2 requests</source>
        <translation>Warteschlange voll (Grenze %1): %2 Anfragen abgewiesen</translation>
    </message>
    <message>
        <source>Timed out after %1 s: %2 requests</source>
        <translation>Zeitüberschreitung nach %1 s: %2 Anfragen</translation>
    </message>
    <message>
        <source>Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Failed (1 min): %5   Utilization (1 min): %6 %   Restarts: %7   Slots waiting to respawn: %8</source>
        <translation>Durchsatz: %1 Antworten/s   Warteschlange: %2   Offen: %3   Bearbeitet: %4   Fehlgeschlagen (1 min): %5   Auslastung (1 min): %6 %   Neustarts: %7   Plätze vor dem Neustart: %8</translation>
    </message>
</context>
<context>
    <name>PoolChart</name>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>Queue and workers</source>
        <translation>Warteschlange und Worker</translation>
    </message>
    <message>
        <source>Latency over the last minute</source>
        <translation>Latenz in der letzten Minute</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>pro Sekunde</translation>
    </message>
    <message>
        <source>answers (pool, 10 s)</source>
        <translation>Antworten (Pool, 10 s)</translation>
    </message>
    <message>
        <source>high priority</source>
        <translation>hohe Priorität</translation>
    </message>
    <message>
        <source>normal priority</source>
        <translation>normale Priorität</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>ms (log)</source>
        <translation>ms (log.)</translation>
    </message>
    <message>
        <source>run p50</source>
        <translation>Laufzeit p50</translation>
    </message>
    <message>
        <source>run p90</source>
        <translation>Laufzeit p90</translation>
    </message>
    <message>
        <source>run p99</source>
        <translation>Laufzeit p99</translation>
    </message>
    <message>
        <source>wait p50</source>
        <translation>Wartezeit p50</translation>
    </message>
    <message>
        <source>wait p90</source>
        <translation>Wartezeit p90</translation>
    </message>
    <message>
        <source>wait p99</source>
        <translation>Wartezeit p99</translation>
    </message>
    <message>
        <source>bound (maxQueued %1)</source>
        <translation>Grenze (maxQueued %1)</translation>
    </message>
    <message>
        <source>refused: queue full</source>
        <translation>abgewiesen: Warteschlange voll</translation>
    </message>
</context>
<context>
    <name>SlidingTimeAxis</name>
    <message>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
</context>
<context>
    <name>WorkerChart</name>
    <message>
        <source>% of a core</source>
        <translation>% eines Kerns</translation>
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
        <source>CPU per worker</source>
        <translation>CPU je Worker</translation>
    </message>
    <message>
        <source>#%1 pid %2</source>
        <translation>#%1 PID %2</translation>
    </message>
    <message>
        <source>Heap per worker: used, total (dashed)</source>
        <translation>Heap je Worker: belegt, gesamt (gestrichelt)</translation>
    </message>
    <message>
        <source>exited</source>
        <translation>beendet</translation>
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
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
    <message>
        <source>The worker&apos;s slot (LPM_WORKER_INDEX); a replacement takes it over, colour included</source>
        <translation>Der Platz des Workers (LPM_WORKER_INDEX); ein Ersatz übernimmt ihn samt seiner Farbe</translation>
    </message>
    <message>
        <source>Requests sent to it and not answered yet</source>
        <translation>An ihn gesendete, noch nicht beantwortete Anfragen</translation>
    </message>
    <message>
        <source>CPU time lately, in percent of one core</source>
        <translation>CPU-Zeit zuletzt, in Prozent eines Kerns</translation>
    </message>
    <message>
        <source>Its requests&apos; run time over the last minute: median / 99th percentile</source>
        <translation>Laufzeit seiner Anfragen in der letzten Minute: Median / 99. Perzentil</translation>
    </message>
    <message>
        <source>C heap in use / reserved</source>
        <translation>C-Heap belegt / reserviert</translation>
    </message>
    <message>
        <source>Respawns of its slot after a crash</source>
        <translation>Neustarts seines Platzes nach einem Absturz</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Platz</translation>
    </message>
    <message>
        <source>Resident memory</source>
        <translation>Residenter Speicher</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>Run ms</source>
        <translation>Laufzeit ms</translation>
    </message>
    <message>
        <source>RSS MiB</source>
        <translation>RSS MiB</translation>
    </message>
    <message>
        <source>Heap MiB</source>
        <translation>Heap MiB</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>--%1 must be a number from %2 to %3, not &quot;%4&quot;.</source>
        <translation>--%1 muss eine Zahl von %2 bis %3 sein, nicht „%4“.</translation>
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
    <message>
        <source>Runs a pool of demo workers under load and charts the pool and its workers live.</source>
        <translation>Betreibt einen Pool von Demo-Workern unter Last und zeigt den Pool und seine Worker live in Diagrammen.</translation>
    </message>
    <message>
        <source>Autoscaling: workers the pool may grow to while requests wait (default: twice --workers).</source>
        <translation>Automatische Skalierung: auf so viele Worker darf der Pool wachsen, während Anfragen warten (Standard: doppelt so viele wie --workers).</translation>
    </message>
</context>
</TS>
