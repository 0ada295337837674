#include "lpmrestartpolicy_p.h"

#include <QtTest/qtest.h>

class tst_RestartPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void allowsUpToTheLimit();
    void windowSlides();
    void zeroRestartsNeverAllowed();
};

void tst_RestartPolicy::allowsUpToTheLimit()
{
    LpmRestartPolicy policy(5, 120);
    for (int i = 0; i < 5; ++i)
        QVERIFY(policy.tryRestart(i * 1000));
    QVERIFY(!policy.tryRestart(5000));
    QCOMPARE(policy.restartsInWindow(5000), 5);
    QCOMPARE(policy.msUntilAllowed(5000), 115000); // the first restart leaves the window
}

void tst_RestartPolicy::windowSlides()
{
    LpmRestartPolicy policy(2, 10);
    QVERIFY(policy.tryRestart(0));
    QVERIFY(policy.tryRestart(4000));
    QVERIFY(!policy.tryRestart(9999));
    QVERIFY(policy.tryRestart(10000)); // the restart at 0 has left the window
    QVERIFY(!policy.tryRestart(13999));
    QVERIFY(policy.tryRestart(14000));
    QCOMPARE(policy.restartsInWindow(14000), 2);
    QCOMPARE(policy.restartsInWindow(100000), 0); // a calm pool gets its budget back
    QCOMPARE(policy.msUntilAllowed(100000), 0);
}

void tst_RestartPolicy::zeroRestartsNeverAllowed()
{
    LpmRestartPolicy policy(0, 120);
    QVERIFY(!policy.tryRestart(0));
    QCOMPARE(policy.msUntilAllowed(0), -1);
}

QTEST_GUILESS_MAIN(tst_RestartPolicy)
#include "tst_restartpolicy.moc"
