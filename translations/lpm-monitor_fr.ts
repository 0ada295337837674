<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ControlPanel</name>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Workers:</source>
        <translation>Workers :</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>A worker idle this long is retired while more than the minimum remain.</source>
        <translation>Un worker inactif aussi longtemps est retiré tant qu’il en reste plus que le minimum.</translation>
    </message>
    <message>
        <source>Retire idle after:</source>
        <translation>Retirer inactif après :</translation>
    </message>
    <message>
        <source>unbounded</source>
        <translation>illimitée</translation>
    </message>
    <message>
        <source>Requests waiting for a worker at most (request.maxQueued); beyond it a request is refused at once (QueueFull).</source>
        <translation>Nombre maximal de requêtes en attente d’un worker (request.maxQueued) ; au-delà, une requête est refusée aussitôt (QueueFull).</translation>
    </message>
    <message>
        <source>Queue bound:</source>
        <translation>File max. :</translation>
    </message>
    <message>
        <source>Refused, queue full:</source>
        <translation>Refusées (file pleine) :</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Charge</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>Requests sent per second, spread evenly.</source>
        <translation>Requêtes envoyées par seconde, réparties régulièrement.</translation>
    </message>
    <message>
        <source>Rate:</source>
        <translation>Débit :</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Share of the requests sent with a higher priority: they go before every normal request that waits.</source>
        <translation>Part des requêtes envoyées avec une priorité plus haute : elles passent avant toute requête normale en attente.</translation>
    </message>
    <message>
        <source>High priority:</source>
        <translation>Priorité haute :</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>The work per request: each renders a Mandelbrot tile this wide and high.</source>
        <translation>Le travail par requête : chacune calcule une tuile de Mandelbrot de cette largeur et hauteur.</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Taille de tuile :</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>Sends this many requests at once.</source>
        <translation>Envoie autant de requêtes d’un coup.</translation>
    </message>
    <message>
        <source>Sending a burst of %1 requests</source>
        <translation>Envoi d’une rafale de %1 requêtes</translation>
    </message>
    <message>
        <source>Burst:</source>
        <translation>Rafale :</translation>
    </message>
    <message>
        <source>Faults and kills</source>
        <translation>Pannes et arrêts</translation>
    </message>
    <message>
        <source>Crash a worker</source>
        <translation>Faire planter un worker</translation>
    </message>
    <message>
        <source>Asking a worker to crash</source>
        <translation>Un worker est invité à planter</translation>
    </message>
    <message>
        <source>Make a worker leak</source>
        <translation>Provoquer une fuite de mémoire</translation>
    </message>
    <message>
        <source>Worker %1 now leaks %2 MiB every 250 ms</source>
        <translation>Le worker %1 perd désormais %2 Mio toutes les 250 ms</translation>
    </message>
    <message>
        <source>Soft kill</source>
        <translation>Arrêt en douceur</translation>
    </message>
    <message>
        <source>Soft kill: finishing accepted work, then stopping</source>
        <translation>Arrêt en douceur : fin du travail accepté, puis arrêt</translation>
    </message>
    <message>
        <source>Soft kill done</source>
        <translation>Arrêt en douceur terminé</translation>
    </message>
    <message>
        <source>Hard kill</source>
        <translation>Arrêt immédiat</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>Redémarrer</translation>
    </message>
    <message>
        <source>Pool bounds: %1 to %2 workers</source>
        <translation>Bornes du pool : de %1 à %2 workers</translation>
    </message>
    <message>
        <source>Autoscaling</source>
        <translation>Mise à l’échelle automatique</translation>
    </message>
    <message>
        <source>The pool grows while requests wait and every worker is busy, and retires idle workers down to the minimum.</source>
        <translation>Le pool grandit tant que des requêtes attendent et que chaque worker est occupé, et retire les workers inactifs jusqu’au minimum.</translation>
    </message>
    <message>
        <source>Minimum:</source>
        <translation>Minimum :</translation>
    </message>
    <message>
        <source>Maximum:</source>
        <translation>Maximum :</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Answer time, last second: high priority %1, normal %2</source>
        <translation>Temps de réponse, dernière seconde : priorité haute %1, normale %2</translation>
    </message>
    <message>
        <source>No worker was asked to crash: %1</source>
        <translation>Aucun worker n’a été invité à planter : %1</translation>
    </message>
    <message>
        <source>No worker was asked to leak: %1</source>
        <translation>Aucun worker n’a été invité à fuir : %1</translation>
    </message>
    <message>
        <source>The pool now keeps %1 workers</source>
        <translation>Le pool garde désormais %1 workers</translation>
    </message>
    <message>
        <source>Autoscaling: requests wait, the pool grows to %1 workers</source>
        <translation>Mise à l’échelle : des requêtes attendent, le pool passe à %1 workers</translation>
    </message>
    <message>
        <source>Autoscaling: the pool shrinks to %1 workers</source>
        <translation>Mise à l’échelle : le pool se réduit à %1 workers</translation>
    </message>
    <message>
        <source>Resizes the pool now. A fixed-size pool stays fixed, at the new size; an autoscaling one widens its bounds to take a count outside them.</source>
        <translation>Redimensionne le pool tout de suite. Un pool de taille fixe reste fixe, à la nouvelle taille ; un pool à mise à l’échelle automatique élargit ses bornes pour un nombre situé hors d’elles.</translation>
    </message>
</context>
<context>
    <name>MonitorWindow</name>
    <message>
        <source>LPM Monitor</source>
        <translation>Moniteur LPM</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>Journal des événements</translation>
    </message>
    <message>
        <source>Worker %1 spawned</source>
        <translation>Worker %1 démarré</translation>
    </message>
    <message>
        <source>Restart limit reached: a dead worker was not replaced</source>
        <translation>Limite de redémarrages atteinte : un worker arrêté n’a pas été remplacé</translation>
    </message>
    <message>
        <source>Pool online with %1 workers</source>
        <translation>Pool prêt avec %1 workers</translation>
    </message>
    <message>
        <source>Pool stopped</source>
        <translation>Pool arrêté</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Erreur : %1</translation>
    </message>
    <message>
        <source>The pool is already running</source>
        <translation>Le pool est déjà en marche</translation>
    </message>
    <message>
        <source>Starting %1 workers of %2</source>
        <translation>Démarrage de %1 workers de %2</translation>
    </message>
    <message>
        <source>stopped as asked</source>
        <translation>arrêté sur demande</translation>
    </message>
    <message>
        <source>recycled</source>
        <translation>renouvelé</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>planté</translation>
    </message>
    <message>
        <source>killed from outside</source>
        <translation>tué de l’extérieur</translation>
    </message>
    <message>
        <source>hung</source>
        <translation>bloqué</translation>
    </message>
    <message>
        <source>did not start in time</source>
        <translation>pas démarré à temps</translation>
    </message>
    <message>
        <source>could not start</source>
        <translation>n’a pas pu démarrer</translation>
    </message>
    <message>
        <source>broke the protocol</source>
        <translation>a violé le protocole</translation>
    </message>
    <message>
        <source>lost its connection</source>
        <translation>a perdu sa connexion</translation>
    </message>
    <message>
        <source>Worker %1 (slot %2) ended: %3 - %4</source>
        <translation>Worker %1 (emplacement %2) terminé : %3 – %4</translation>
    </message>
    <message>
        <source>Slot %1 respawns in %2 ms</source>
        <translation>L’emplacement %1 redémarre dans %2 ms</translation>
    </message>
    <message>
        <source>maxMemory %1 MiB</source>
        <translation>maxMemory %1 Mio</translation>
    </message>
    <message>
        <source>Queue full (bound %1): refused %2 requests</source>
        <translation>File pleine (borne %1) : %2 requêtes refusées</translation>
    </message>
    <message>
        <source>Timed out after %1 s: %2 requests</source>
        <translation>Délai de %1 s dépassé : %2 requêtes</translation>
    </message>
    <message>
        <source>Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Failed (1 min): %5   Utilization (1 min): %6 %   Restarts: %7   Slots waiting to respawn: %8</source>
        <translation>Débit : %1 réponses/s   File : %2   En attente : %3   Traitées : %4   Échecs (1 min) : %5   Utilisation (1 min) : %6 %   Redémarrages : %7   Emplacements avant redémarrage : %8</translation>
    </message>
</context>
<context>
    <name>PoolChart</name>
    <message>
        <source>Throughput</source>
        <translation>Débit</translation>
    </message>
    <message>
        <source>Queue and workers</source>
        <translation>File d’attente et workers</translation>
    </message>
    <message>
        <source>Latency over the last minute</source>
        <translation>Latence sur la dernière minute</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>par seconde</translation>
    </message>
    <message>
        <source>answers (pool, 10 s)</source>
        <translation>réponses (pool, 10 s)</translation>
    </message>
    <message>
        <source>high priority</source>
        <translation>priorité haute</translation>
    </message>
    <message>
        <source>normal priority</source>
        <translation>priorité normale</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>requêtes</translation>
    </message>
    <message>
        <source>workers</source>
        <translation>workers</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>ms (log)</source>
        <translation>ms (log.)</translation>
    </message>
    <message>
        <source>run p50</source>
        <translation>exécution p50</translation>
    </message>
    <message>
        <source>run p90</source>
        <translation>exécution p90</translation>
    </message>
    <message>
        <source>run p99</source>
        <translation>exécution p99</translation>
    </message>
    <message>
        <source>wait p50</source>
        <translation>attente p50</translation>
    </message>
    <message>
        <source>wait p90</source>
        <translation>attente p90</translation>
    </message>
    <message>
        <source>wait p99</source>
        <translation>attente p99</translation>
    </message>
    <message>
        <source>bound (maxQueued %1)</source>
        <translation>borne (maxQueued %1)</translation>
    </message>
    <message>
        <source>refused: queue full</source>
        <translation>refusées : file pleine</translation>
    </message>
</context>
<context>
    <name>SlidingTimeAxis</name>
    <message>
        <source>Seconds</source>
        <translation>Secondes</translation>
    </message>
</context>
<context>
    <name>WorkerChart</name>
    <message>
        <source>% of a core</source>
        <translation>% d’un cœur</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>Mio</translation>
    </message>
    <message>
        <source>Resident memory (RSS) per worker</source>
        <translation>Mémoire résidente (RSS) par worker</translation>
    </message>
    <message>
        <source>CPU per worker</source>
        <translation>CPU par worker</translation>
    </message>
    <message>
        <source>#%1 pid %2</source>
        <translation>n°%1 pid %2</translation>
    </message>
    <message>
        <source>Heap per worker: used, total (dashed)</source>
        <translation>Tas par worker : utilisé, total (tirets)</translation>
    </message>
    <message>
        <source>exited</source>
        <translation>terminé</translation>
    </message>
</context>
<context>
    <name>WorkerTableModel</name>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>prêt</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>occupé</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>en vidange</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Redémarrages</translation>
    </message>
    <message>
        <source>The worker&apos;s slot (LPM_WORKER_INDEX); a replacement takes it over, colour included</source>
        <translation>L’emplacement du worker (LPM_WORKER_INDEX) ; un remplaçant le reprend, couleur comprise</translation>
    </message>
    <message>
        <source>Requests sent to it and not answered yet</source>
        <translation>Requêtes qui lui ont été envoyées, sans réponse pour l’instant</translation>
    </message>
    <message>
        <source>CPU time lately, in percent of one core</source>
        <translation>Temps CPU récent, en pourcentage d’un cœur</translation>
    </message>
    <message>
        <source>Its requests&apos; run time over the last minute: median / 99th percentile</source>
        <translation>Durée d’exécution de ses requêtes sur la dernière minute : médiane / 99e centile</translation>
    </message>
    <message>
        <source>C heap in use / reserved</source>
        <translation>Tas C utilisé / réservé</translation>
    </message>
    <message>
        <source>Respawns of its slot after a crash</source>
        <translation>Redémarrages de son emplacement après un plantage</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Empl.</translation>
    </message>
    <message>
        <source>Resident memory</source>
        <translation>Mémoire résidente</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>Run ms</source>
        <translation>Exéc. ms</translation>
    </message>
    <message>
        <source>RSS MiB</source>
        <translation>RSS Mio</translation>
    </message>
    <message>
        <source>Heap MiB</source>
        <translation>Tas Mio</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>--%1 must be a number from %2 to %3, not &quot;%4&quot;.</source>
        <translation>--%1 doit être un nombre de %2 à %3, et non « %4 ».</translation>
    </message>
    <message>
        <source>Workers in the pool.</source>
        <translation>Nombre de workers du pool.</translation>
    </message>
    <message>
        <source>Requests per second to send.</source>
        <translation>Requêtes à envoyer par seconde.</translation>
    </message>
    <message>
        <source>Language (de, fr, en); the system&apos;s by default.</source>
        <translation>Langue (de, fr, en) ; celle du système par défaut.</translation>
    </message>
    <message>
        <source>Render without a display.</source>
        <translation>Afficher sans écran.</translation>
    </message>
    <message>
        <source>After --seconds, save the window as a PNG image and exit.</source>
        <translation>Après --seconds, enregistrer la fenêtre en image PNG et quitter.</translation>
    </message>
    <message>
        <source>Run this long, then exit (default 5 with --screenshot).</source>
        <translation>Durée d’exécution avant de quitter (5 par défaut avec --screenshot).</translation>
    </message>
    <message>
        <source>The worker program.</source>
        <translation>Le programme worker.</translation>
    </message>
    <message>
        <source>--lang %1 is not a language.</source>
        <translation>--lang %1 n’est pas une langue.</translation>
    </message>
    <message>
        <source>No display found ($DISPLAY and $WAYLAND_DISPLAY are empty).
To run the pool under load and save a picture of the monitor instead, use:
  %1 --offscreen --screenshot FILE --seconds N</source>
        <translation>Aucun écran trouvé ($DISPLAY et $WAYLAND_DISPLAY sont vides).
Pour faire tourner le pool sous charge et enregistrer une image du moniteur, utilisez :
  %1 --offscreen --screenshot FICHIER --seconds N</translation>
    </message>
    <message>
        <source>Could not write the screenshot to %1.</source>
        <translation>Impossible d’écrire la capture d’écran dans %1.</translation>
    </message>
    <message>
        <source>Runs a pool of demo workers under load and charts the pool and its workers live.</source>
        <translation>Fait tourner un pool de workers de démonstration sous charge et trace le pool et ses workers en direct.</translation>
    </message>
    <message>
        <source>Autoscaling: workers the pool may grow to while requests wait (default: twice --workers).</source>
        <translation>Mise à l’échelle automatique : nombre de workers que le pool peut atteindre tant que des requêtes attendent (par défaut : deux fois --workers).</translation>
    </message>
</context>
</TS>
