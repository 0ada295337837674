<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>LpmError</name>
    <message>
        <source>The request timed out.</source>
        <translation>La requête a dépassé le délai.</translation>
    </message>
    <message>
        <source>The worker pool is shutting down.</source>
        <translation>Le pool de workers est en cours d’arrêt.</translation>
    </message>
    <message>
        <source>The worker handling the request died and no retries were left.</source>
        <translation>Le worker qui traitait la requête s’est arrêté et il ne restait aucune nouvelle tentative.</translation>
    </message>
    <message>
        <source>The payload cannot be sent to another process.</source>
        <translation>Les données ne peuvent pas être envoyées à un autre processus.</translation>
    </message>
    <message>
        <source>The payload is larger than a message may be.</source>
        <translation>Les données dépassent la taille maximale d’un message.</translation>
    </message>
    <message>
        <source>No worker is left and the restart limit has been reached.</source>
        <translation>Il ne reste aucun worker et la limite de redémarrages est atteinte.</translation>
    </message>
    <message>
        <source>The worker program could not be started.</source>
        <translation>Le programme worker n’a pas pu être démarré.</translation>
    </message>
    <message>
        <source>The worker broke the protocol.</source>
        <translation>Le worker n’a pas respecté le protocole.</translation>
    </message>
    <message>
        <source>The other process went away before answering.</source>
        <translation>L’autre processus a disparu avant de répondre.</translation>
    </message>
    <message>
        <source>The supervisor dropped the event without answering it.</source>
        <translation>Le superviseur a abandonné l’événement sans y répondre.</translation>
    </message>
    <message>
        <source>The stream or socket cannot be used.</source>
        <translation>Le flux ou le socket ne peut pas être utilisé.</translation>
    </message>
    <message>
        <source>The stream&apos;s source failed part-way.</source>
        <translation>La source du flux a échoué en cours de route.</translation>
    </message>
    <message>
        <source>Too many requests are waiting for a worker.</source>
        <translation>Trop de requêtes attendent un worker.</translation>
    </message>
    <message>
        <source>Only a local worker can take this, and the pool has none.</source>
        <translation>Seul un worker local peut s’en charger, et le pool n’en a aucun.</translation>
    </message>
</context>
<context>
    <name>LpmSupervisor</name>
    <message>
        <source>A worker program could not be started.</source>
        <translation>Un programme worker n’a pas pu être démarré.</translation>
    </message>
    <message>
        <source>A worker exited without being asked to.</source>
        <translation>Un worker s’est arrêté sans qu’on le lui demande.</translation>
    </message>
    <message>
        <source>The restart limit has been reached.</source>
        <translation>La limite de redémarrages a été atteinte.</translation>
    </message>
    <message>
        <source>A worker broke the protocol and was dropped.</source>
        <translation>Un worker a enfreint le protocole et a été écarté.</translation>
    </message>
</context>
</TS>
