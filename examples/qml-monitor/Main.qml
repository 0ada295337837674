import QtQuick
import QtQuick.Window
import Lpm

Window {
    id: window
    width: 520
    height: 400
    visible: true
    title: qsTr("LPM pool (%1 workers, %2 answers)").arg(pool.workers.count).arg(answers)

    property int answers: 0
    property string lastAnswer: ""

    // An autoscaling pool: 1 to 4 workers, grown while jobs wait, shrunk when idle.
    // One job per worker at a time: the rest wait in the queue for the first one free.
    Supervisor {
        id: pool
        program: workerProgram
        count: 2
        minCount: 1
        maxCount: 4
        idleTimeout: 10000
        maxInFlight: 1
        Component.onCompleted: start()
    }

    // The metrics count microseconds.
    function ms(us) { return (us / 1000).toFixed(1) }

    Column {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        Text {
            text: pool.online ? qsTr("Online: %1 workers, %2 queued").arg(pool.targetCount).arg(pool.queueLength)
                              : qsTr("Starting...")
            font.bold: true
        }

        Grid {
            columns: 2
            columnSpacing: 16
            rowSpacing: 2

            Text { text: qsTr("Throughput") }
            Text { text: qsTr("%1 answers/s").arg(pool.metrics.throughput.toFixed(1)) }
            Text { text: qsTr("Run time") }
            Text { text: qsTr("p50 %1 ms, p99 %2 ms").arg(ms(pool.metrics.runTime.p50)).arg(ms(pool.metrics.runTime.p99)) }
            Text { text: qsTr("Queue wait") }
            Text { text: qsTr("p50 %1 ms, p99 %2 ms").arg(ms(pool.metrics.queueWait.p50)).arg(ms(pool.metrics.queueWait.p99)) }
            Text { text: qsTr("Utilization") }
            Text { text: qsTr("%1 %").arg((pool.metrics.utilization * 100).toFixed(0)) }
        }

        Repeater {
            model: pool.workers
            // model.state, not a required property: Item has a state of its own.
            delegate: Row {
                spacing: 8

                Text { width: 170; text: qsTr("%1 %2, %3 done").arg(model.pid).arg(model.state).arg(model.handled) }
                Rectangle {
                    width: 160
                    height: 16
                    color: "#e0e0e0"
                    Rectangle {
                        width: parent.width * Math.min(1, model.cpuPercent / 100)
                        height: parent.height
                        color: "#4a90d9"
                    }
                }
                Text { text: qsTr("%1 % CPU, %2 MiB").arg(model.cpuPercent.toFixed(0)).arg((model.rss / 1048576).toFixed(1)) }
            }
        }

        Rectangle {
            width: 160
            height: 32
            radius: 4
            color: sendArea.pressed ? "#2d6fb5" : "#4a90d9"
            Text { anchors.centerIn: parent; color: "white"; text: qsTr("Send 50 jobs") }
            MouseArea {
                id: sendArea
                anchors.fill: parent
                onClicked: {
                    for (var i = 0; i < 50; ++i) {
                        pool.enqueue({ "rounds": 100000 }).then(function (answer) {
                            window.answers += 1
                            window.lastAnswer = qsTr("%1 from %2").arg(answer.digest.substring(0, 16)).arg(answer.pid)
                        }, function (error) {
                            window.lastAnswer = error.message
                        })
                    }
                }
            }
        }

        Text { text: window.lastAnswer }
    }
}
