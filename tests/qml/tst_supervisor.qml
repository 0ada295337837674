import QtQuick
import QtTest
import Lpm

// The functions run in name order and share one pool: start, use, stop.
TestCase {
    id: testCase
    name: "Supervisor"

    Supervisor {
        id: pool
        program: testWorkerProgram
        count: 2
        property int onlineHandled: 0
        onOnline: ++onlineHandled
    }
    SignalSpy { id: onlineSpy; target: pool; signalName: "online" }
    SignalSpy { id: spawnSpy; target: pool; signalName: "childSpawned" }
    SignalSpy { id: exitSpy; target: pool; signalName: "workerExited" }
    SignalSpy { id: metricsSpy; target: pool; signalName: "metricsChanged" }

    // Answers every "double" event from JavaScript; remembers what it saw.
    property var seenEvents: []
    Connections {
        target: pool
        function onEventReceived(name, event) {
            testCase.seenEvents.push({ "name": name, "pid": event.pid, "data": event.data })
            if (name === "double")
                event.respond(event.data * 2)
            else if (name === "broadcast-seen")
                event.respond()
        }
    }

    readonly property int longWait: 60000

    function spawnedPids() {
        var pids = []
        for (var i = 0; i < spawnSpy.count; ++i)
            pids.push(spawnSpy.signalArguments[i][0])
        return pids.sort()
    }

    function modelPids() {
        var pids = []
        for (var i = 0; i < pool.workers.count; ++i)
            pids.push(pool.workers.get(i).pid)
        return pids.sort()
    }

    function rowOf(pid) {
        for (var i = 0; i < pool.workers.count; ++i) {
            if (pool.workers.get(i).pid === pid)
                return pool.workers.get(i)
        }
        return null
    }

    // Calls pool.enqueue and waits for the callback; returns {answer, error}.
    function enqueueAndWait(payload) {
        var result = null
        pool.enqueue(payload, function (answer, error) {
            result = { "answer": answer, "error": error }
        })
        tryVerify(function () { return result !== null }, longWait)
        return result
    }

    function test_1_startGoesOnline() {
        compare(pool.state, Supervisor.Stopped)
        compare(pool.online, false)
        pool.start()
        onlineSpy.wait(longWait)
        compare(pool.online, true)
        compare(pool.state, Supervisor.Online)
        compare(spawnSpy.count, 2)
        compare(pool.onlineHandled, 1) // the signal's handler, beside the property
    }

    function test_2_enqueueCallsBackWithAnswer() {
        var result = enqueueAndWait({ "op": "echo", "n": 7, "list": [1, "two"] })
        compare(result.error, null)
        compare(result.answer.echo.n, 7)
        compare(result.answer.echo.list[1], "two")
        verify(spawnedPids().indexOf(result.answer.pid) >= 0)
        compare(pool.queueLength, 0)
    }

    function test_3_modelHasOneRowPerWorkerWithMemory() {
        tryCompare(pool.workers, "count", 2, longWait)
        compare(modelPids(), spawnedPids())
        tryVerify(function () {
            for (var i = 0; i < pool.workers.count; ++i) {
                var row = pool.workers.get(i)
                if (!(row.rss > 0 && row.heapUsed > 0 && row.heapTotal > 0) || row.state !== "ready")
                    return false
            }
            return true
        }, longWait)

        // Memory grows where it is used.
        var result = enqueueAndWait({ "op": "alloc", "mib": 24 })
        compare(result.error, null)
        var pid = result.answer.pid
        var before = rowOf(pid).rss
        var more = enqueueAndWait({ "op": "alloc", "mib": 24 })
        compare(more.error, null)
        if (more.answer.pid === pid) {
            tryVerify(function () { return rowOf(pid).rss > before + 16 * 1024 * 1024 }, longWait)
        } else {
            // The other worker took it: its own row must show the 24 MiB.
            tryVerify(function () { return rowOf(more.answer.pid).rss > 24 * 1024 * 1024 }, longWait)
        }
        tryVerify(function () { return rowOf(pid).handled >= 1 }, longWait)
        tryVerify(function () { return rowOf(pid).heapUsed > 20 * 1024 * 1024 }, longWait)
    }

    function test_4_errorObjectForBadPayload() {
        ignoreWarning(/refusing a payload that cannot cross processes/)
        var result = enqueueAndWait({ "thing": pool })
        compare(result.answer, undefined)
        compare(result.error.code, "NotSerializable")
        verify(result.error.message.length > 0)
    }

    function test_4b_eventAnsweredFromJavaScript() {
        var result = enqueueAndWait({ "op": "event", "name": "double", "payload": 21 })
        compare(result.error, null)
        compare(result.answer.reply, 42)
        var seen = testCase.seenEvents.filter(function (e) { return e.name === "double" })
        compare(seen.length, 1)
        compare(seen[0].pid, result.answer.pid)
        compare(seen[0].data, 21)
    }

    function test_4c_broadcastReachesEveryWorker() {
        verify(pool.broadcast("config", { "threads": 4 }))
        tryVerify(function () {
            var pids = {}
            testCase.seenEvents.forEach(function (e) {
                if (e.name === "broadcast-seen" && e.data.name === "config" && e.data.payload.threads === 4)
                    pids[e.pid] = true
            })
            return Object.keys(pids).length === 2
        }, longWait)
    }

    function test_4d_metricsCountTheRequests() {
        tryVerify(function () { return pool.metrics.runTime.count > 0 }, longWait)
        var metrics = pool.metrics
        verify(metrics.queueWait.count > 0)
        verify(metrics.runTime.p50 > 0) // microseconds
        verify(metrics.runTime.p99 >= metrics.runTime.p50)
        verify(metrics.throughput > 0)
        verify(metrics.utilization >= 0 && metrics.utilization <= 1)
        // Refreshed while the pool runs.
        metricsSpy.clear()
        metricsSpy.wait(longWait)
        // The workers' rows have their own figures.
        tryVerify(function () {
            for (var i = 0; i < pool.workers.count; ++i) {
                var row = pool.workers.get(i)
                if (row.runTime.count > 0 && typeof row.cpuPercent === "number" && row.cpuPercent >= 0)
                    return true
            }
            return false
        }, longWait)

        pool.resetMetrics()
        compare(pool.metrics.runTime.count, 0)
        compare(pool.metrics.queueWait.count, 0)
    }

    function test_5_softKillEmptiesModel() {
        pool.softKill()
        tryCompare(pool.workers, "count", 0, longWait)
        tryCompare(pool, "state", Supervisor.Stopped, longWait)
        compare(pool.online, false)
        var result = enqueueAndWait({ "op": "echo" })
        compare(result.error.code, "ShuttingDown")
    }

    function test_6_policiesRecycleAWorker() {
        pool.count = 1
        pool.maxRequests = 2
        compare(pool.maxRequests, 2)
        compare(pool.backoffInitial, 100) // the library's defaults show through
        compare(pool.hangTimeout, -1)
        exitSpy.clear()
        pool.start()
        tryCompare(pool, "online", true, longWait)
        for (var i = 0; i < 3; ++i)
            compare(enqueueAndWait({ "op": "echo", "n": i }).error, null)
        tryVerify(function () { return exitSpy.count >= 1 }, longWait)
        var exit = exitSpy.signalArguments[0] // pid, exitCode, crashed, reason
        compare(exit[2], false)
        compare(exit[3], "Recycled")
        tryCompare(pool.workers, "count", 1, longWait)
        compare(pool.workers.get(0).slot, 0) // the replacement took the slot
        compare(pool.workers.get(0).restarts, 0) // a recycle is no restart
        pool.softKill()
        tryCompare(pool, "state", Supervisor.Stopped, longWait)
    }
}
