import QtQuick
import QtQuick.Window
import Lpm

Window {
    id: window
    width: 480
    height: 360
    visible: true
    title: qsTr("LPM pool (%1 workers, %2 answers)").arg(pool.workers.count).arg(answers)

    property int answers: 0
    property string lastAnswer: ""
    // The bars' full width: the largest RSS seen, so they stay comparable.
    property real maxRss: 1

    Supervisor {
        id: pool
        program: workerProgram
        count: 3
        Component.onCompleted: start()
    }

    Column {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        Text {
            text: pool.online ? qsTr("Online, %1 queued").arg(pool.queueLength) : qsTr("Starting...")
            font.bold: true
        }

        Repeater {
            model: pool.workers
            delegate: Row {
                // model.state, not a required property: Item has a state of its own.
                readonly property real rss: model.rss
                spacing: 8
                onRssChanged: window.maxRss = Math.max(window.maxRss, rss)

                Text { width: 150; text: qsTr("%1 %2, %3 done").arg(model.pid).arg(model.state).arg(model.handled) }
                Rectangle {
                    width: 200
                    height: 16
                    color: "#e0e0e0"
                    Rectangle {
                        width: parent.width * Math.min(1, rss / window.maxRss)
                        height: parent.height
                        color: "#4a90d9"
                    }
                }
                Text { text: qsTr("%1 MiB").arg((rss / 1048576).toFixed(1)) }
            }
        }

        Rectangle {
            width: 160
            height: 32
            radius: 4
            color: sendArea.pressed ? "#2d6fb5" : "#4a90d9"
            Text { anchors.centerIn: parent; color: "white"; text: qsTr("Send 10 jobs") }
            MouseArea {
                id: sendArea
                anchors.fill: parent
                onClicked: {
                    for (var i = 0; i < 10; ++i) {
                        pool.enqueue({ "rounds": 20000 }, function (answer, error) {
                            if (error) {
                                window.lastAnswer = error.message
                                return
                            }
                            window.answers += 1
                            window.lastAnswer = qsTr("%1 from %2").arg(answer.digest.substring(0, 16)).arg(answer.pid)
                        })
                    }
                }
            }
        }

        Text { text: window.lastAnswer }
    }
}
