#include "widgets/recoverybanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace kubist::widgets {

RecoveryBanner::RecoveryBanner(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("recoveryBanner"));
    setAttribute(Qt::WA_StyledBackground);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 6, 6);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    QFont f = m_label->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    m_label->setFont(f);
    layout->addWidget(m_label, 1);
    m_close = new QToolButton(this);
    m_close->setText(QStringLiteral("×"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        emit dismissed();
    });
    hide();
}

void RecoveryBanner::setLook(bool outcome)
{
    m_outcome = outcome;
    // A style sheet, not a palette: the window's theme switches reset palettes.
    setStyleSheet(QStringLiteral("QFrame#recoveryBanner { background: %1; border-radius: 6px; }"
                                 " QLabel, QToolButton { color: white; background: transparent; }")
                      .arg(outcome ? QStringLiteral("#1e783c") : QStringLiteral("#b43c14")));
}

void RecoveryBanner::showProgress(const QString &text)
{
    setLook(false);
    m_label->setText(text);
    place();
    show();
    raise();
}

void RecoveryBanner::showOutcome(const QString &text)
{
    setLook(true);
    m_label->setText(text);
    place();
    show();
    raise();
}

QString RecoveryBanner::text() const
{
    return isVisible() || !m_label->text().isEmpty() ? m_label->text() : QString();
}

void RecoveryBanner::place()
{
    if (!parentWidget())
        return;
    const int margin = 12;
    const int w = parentWidget()->width() - 2 * margin;
    setFixedWidth(std::max(200, w));
    adjustSize();
    move(margin, margin);
}

} // namespace kubist::widgets
