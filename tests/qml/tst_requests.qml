import QtQuick
import QtTest
import Lpm

// enqueue()'s Promise and options, the queue bound, the autoscaling properties and
// what a destroyed Supervisor leaves behind. Each function makes pools of its own.
TestCase {
    id: testCase
    name: "Requests"

    readonly property int longWait: 60000

    Component {
        id: poolComponent
        Supervisor { program: testWorkerProgram }
    }

    function makePool(properties) {
        var pool = createTemporaryObject(poolComponent, testCase, properties)
        verify(pool !== null)
        return pool
    }

    function startedPool(properties) {
        var pool = makePool(properties)
        pool.start()
        tryCompare(pool, "online", true, longWait)
        return pool
    }

    // What promise comes to: {settled, answer, error}, filled in as it settles.
    function track(promise) {
        var result = { "settled": false, "answer": undefined, "error": null }
        promise.then(function (answer) {
            result.answer = answer
            result.settled = true
        }, function (error) {
            result.error = error
            result.settled = true
        })
        return result
    }

    function settled(promise) {
        var result = track(promise)
        tryVerify(function () { return result.settled }, longWait)
        return result
    }

    function test_requestsBeforeStartSurviveAConfigChange() {
        // Enqueued before start(), then a setting changes: the requests are kept and
        // answered (the change waits for the next stop), never rejected by a rebuild.
        var pool = makePool({ "count": 1 })
        var result = track(pool.enqueue({ "op": "echo", "n": 3 }))
        ignoreWarning(/configuration changed while requests wait/)
        pool.timeout = 5000
        pool.start()
        tryVerify(function () { return result.settled }, longWait)
        compare(result.error, null)
        compare(result.answer.echo.n, 3)
    }

    function test_promiseResolvesWithTheAnswer() {
        var pool = startedPool({ "count": 1 })
        var promise = pool.enqueue({ "op": "echo", "n": 8, "list": [1, "two"] })
        verify(promise instanceof Promise)
        var result = settled(promise)
        compare(result.error, null)
        compare(result.answer.echo.n, 8)
        compare(result.answer.echo.list[1], "two")

        // With a callback there is no promise: the callback alone answers.
        var calls = []
        compare(pool.enqueue({ "op": "echo", "n": 9 }, function (answer, error) {
            calls.push({ "answer": answer, "error": error })
        }), undefined)
        tryCompare(calls, "length", 1, longWait)
        compare(calls[0].error, null)
        compare(calls[0].answer.echo.n, 9)
    }

    function test_promiseRejectsWithTheErrorObject() {
        ignoreWarning(/refusing a payload that cannot cross processes/)
        var pool = startedPool({ "count": 1 })
        var result = settled(pool.enqueue({ "thing": pool }))
        compare(result.answer, undefined)
        compare(Object.keys(result.error).sort(), ["code", "message"])
        compare(result.error.code, "NotSerializable")
        verify(result.error.message.length > 0)
    }

    function test_optionsGoWithTheRequest() {
        var pool = startedPool({ "count": 1 })
        var late = settled(pool.enqueue({ "op": "sleep", "ms": 1500 }, { "timeout": 100 }))
        compare(late.error.code, "TimedOut")

        // Options, then a callback.
        var calls = []
        compare(pool.enqueue({ "op": "echo", "n": 3 }, { "priority": 5, "retries": 1 },
                             function (answer, error) {
            calls.push({ "answer": answer, "error": error })
        }), undefined)
        tryCompare(calls, "length", 1, longWait)
        compare(calls[0].error, null)
        compare(calls[0].answer.echo.n, 3)

        // What it cannot use, it says so and leaves out.
        ignoreWarning(/unknown option "prio" ignored/)
        ignoreWarning(/option "timeout" is not a number: ignored/)
        var result = settled(pool.enqueue({ "op": "echo", "n": 4 }, { "prio": 1, "timeout": "soon" }))
        compare(result.error, null)
        compare(result.answer.echo.n, 4)
    }

    function test_queueFullRejectsAtOnce() {
        // A worker that never becomes ready: whatever is enqueued waits.
        var pool = makePool({ "count": 1, "arguments": ["noready"], "startTimeout": -1, "maxQueued": 1 })
        pool.start()
        var first = track(pool.enqueue({ "op": "echo", "n": 1 }))
        var second = settled(pool.enqueue({ "op": "echo", "n": 2 }))
        compare(second.error.code, "QueueFull")
        verify(second.error.message.length > 0)
        compare(first.settled, false)
        tryCompare(pool, "queueLength", 1, longWait)

        // A wider bound applies to a running pool at once.
        pool.maxQueued = 2
        var third = track(pool.enqueue({ "op": "echo", "n": 3 }))
        var fourth = settled(pool.enqueue({ "op": "echo", "n": 4 }))
        compare(fourth.error.code, "QueueFull")
        compare(third.settled, false) // a refusal would have come before the fourth's
        compare(first.settled, false)
        tryCompare(pool, "queueLength", 2, longWait)
    }

    function test_destroyRejectsWhatIsPending() {
        var pool = makePool({ "count": 1, "arguments": ["noready"], "startTimeout": -1 })
        pool.start()
        var byPromise = track(pool.enqueue({ "op": "echo", "n": 1 }))
        var calls = []
        pool.enqueue({ "op": "echo", "n": 2 }, function (answer, error) {
            calls.push({ "answer": answer, "error": error })
        })
        tryCompare(pool, "queueLength", 2, longWait)
        compare(byPromise.settled, false)
        compare(calls.length, 0)

        pool.destroy()
        tryVerify(function () { return byPromise.settled && calls.length > 0 }, longWait)
        compare(byPromise.error.code, "ShuttingDown")
        compare(calls.length, 1) // once, not once more from the destructor
        compare(calls[0].answer, undefined)
        compare(calls[0].error.code, "ShuttingDown")
    }

    function test_collectedPoolRejectsWhatIsPending() {
        var calls = []
        var pool = poolComponent.createObject(null, { "count": 1, "arguments": ["noready"],
                                                      "startTimeout": -1 })
        pool.start()
        pool.enqueue({ "op": "echo" }, function (answer, error) { calls.push(error.code) })
        pool.enqueue({ "op": "echo" }).then(null, function (error) { calls.push(error.code) })
        pool = null
        gc() // JavaScript owned it: it goes later, the engine whole
        tryCompare(calls, "length", 2, longWait)
        compare(calls, ["ShuttingDown", "ShuttingDown"])
    }

    // A pool JavaScript owns, left with requests pending: the engine deletes it as it
    // is destroyed itself, after the last test, when it can run no more code. Nothing
    // is called back then; a crash would fail the run.
    property var orphan: null
    property int orphanCalls: 0
    function test_orphanLeftToTheEngine() {
        orphan = poolComponent.createObject(null, { "count": 1, "arguments": ["noready"],
                                                    "startTimeout": -1 })
        orphan.start()
        orphan.enqueue({ "op": "echo" }, function (answer, error) { testCase.orphanCalls++ })
        orphan.enqueue({ "op": "echo" }).then(null, function (error) { testCase.orphanCalls++ })
        tryCompare(orphan, "queueLength", 2, longWait)
    }

    function test_boundsRoundTripAndApplyLive() {
        var pool = makePool({ "count": 1 })
        // The library's defaults show through.
        compare(pool.maxQueued, 0)
        compare(pool.minCount, -1)
        compare(pool.maxCount, -1)
        compare(pool.idleTimeout, 60000)
        compare(pool.targetCount, 1)
        compare(pool.maxInFlight, 0)
        pool.maxQueued = 5
        compare(pool.maxQueued, 5)
        pool.maxInFlight = 1 // from the next start
        compare(pool.maxInFlight, 1)

        pool.start()
        tryCompare(pool, "online", true, longWait)
        pool.maxCount = 3 // widens first: 1..3
        compare(pool.maxCount, 3)
        compare(pool.targetCount, 1)
        pool.minCount = 2 // the pool grows into 2..3 at once
        compare(pool.minCount, 2)
        tryCompare(pool, "targetCount", 2, longWait)
        tryCompare(pool.workers, "count", 2, longWait)

        // An idle worker above minCount is retired after idleTimeout.
        pool.idleTimeout = 200
        compare(pool.idleTimeout, 200)
        pool.minCount = 1
        tryCompare(pool, "targetCount", 1, longWait)
        tryCompare(pool.workers, "count", 1, longWait)

        // -1 follows count, on a running pool too.
        pool.minCount = -1
        pool.maxCount = -1
        pool.count = 2
        tryCompare(pool, "targetCount", 2, longWait)
        tryCompare(pool.workers, "count", 2, longWait)
        compare(pool.count, 2)
    }
}
