<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>MemoryChart</name>
    <message>
        <source>Seconds</source>
        <translation>Secondes</translation>
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
        <source>Heap per worker: used (solid) and total (dashed)</source>
        <translation>Tas par worker : utilisé (trait plein) et total (tirets)</translation>
    </message>
    <message>
        <source>pid %1</source>
        <translation>pid %1</translation>
    </message>
    <message>
        <source>pid %1 (exited)</source>
        <translation>pid %1 (terminé)</translation>
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
        <source>Request timed out: %1</source>
        <translation>Délai dépassé pour une requête : %1</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Workers:</source>
        <translation>Workers :</translation>
    </message>
    <message>
        <source> requests/s</source>
        <translation> requêtes/s</translation>
    </message>
    <message>
        <source>Load:</source>
        <translation>Charge :</translation>
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
        <source>Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Restarts: %5   Slots waiting to respawn: %6</source>
        <translation>Débit : %1 réponses/s   File : %2   En attente : %3   Traitées : %4   Redémarrages : %5   Emplacements avant redémarrage : %6</translation>
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
        <source>%1 MiB</source>
        <translation>%1 Mio</translation>
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
        <source>Sockets</source>
        <translation>Sockets</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Heap used</source>
        <translation>Tas utilisé</translation>
    </message>
    <message>
        <source>Heap total</source>
        <translation>Tas total</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Redémarrages</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>--%1 must be a number from %2 to %3, not &quot;%4&quot;.</source>
        <translation>--%1 doit être un nombre de %2 à %3, et non « %4 ».</translation>
    </message>
    <message>
        <source>Runs a pool of demo workers under load and charts their memory live.</source>
        <translation>Fait tourner un pool de workers de démonstration sous charge et trace leur mémoire en direct.</translation>
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
</context>
</TS>
