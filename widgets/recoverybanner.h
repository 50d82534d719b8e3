#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace kubist::widgets {

// RecoveryBanner: a strip over the top of the picture that tells the
// audience what the recovery timer measures — while running, the fault and
// the time so far ("worker-2 powered off — recovering: 8.3 s, 12 requests
// failed so far"); at the end, the outcome ("... → all 3 web pods Ready
// again after 17.2 s, 41 requests failed"), until dismissed (×) or the next
// fault. Hidden when there is nothing to say.
class RecoveryBanner final : public QFrame
{
    Q_OBJECT

public:
    explicit RecoveryBanner(QWidget *parent = nullptr);

    void showProgress(const QString &text);
    void showOutcome(const QString &text);
    QString text() const;
    bool isOutcome() const { return m_outcome; }
    // Follows the parent's width (call on the parent's resize).
    void place();

signals:
    void dismissed();

private:
    void setLook(bool outcome);

    QLabel *m_label = nullptr;
    QToolButton *m_close = nullptr;
    bool m_outcome = false;
};

} // namespace kubist::widgets
