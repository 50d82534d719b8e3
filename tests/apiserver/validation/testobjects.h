#pragma once

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"

#include <google/protobuf/message.h>

#include <QRegularExpression>
#include <QString>
#include <QTest>

#include <memory>

// Builds objects for the validation tests from flow-style YAML, as a client
// would send them.
namespace testobjects {

struct Object
{
    std::unique_ptr<google::protobuf::Message> message;
    const kubist::api::KindInfo *kind = nullptr;
};

// Flow-style YAML ("{a: b, c: [1, 'x']}") to JSON: bare scalars become
// numbers, booleans or strings, single-quoted ones strings. The tests write
// objects this way; they go through JsonCodec rather than YamlCodec because
// YamlCodec currently trips AddressSanitizer (stack-use-after-scope in
// yamlcodec.cpp's map(), reported to the lead).
class FlowToJson
{
public:
    explicit FlowToJson(const QString &text)
        : m_s(text)
    {}
    QString run()
    {
        QString out = value();
        skip();
        if (m_i != m_s.size())
            m_ok = false;
        return m_ok ? out : QString();
    }

private:
    void skip()
    {
        while (m_i < m_s.size() && m_s[m_i].isSpace())
            ++m_i;
    }
    QString scalar(bool key)
    {
        skip();
        if (m_i < m_s.size() && m_s[m_i] == u'\'') {
            const qsizetype end = m_s.indexOf(u'\'', m_i + 1);
            if (end < 0) {
                m_ok = false;
                return {};
            }
            const QString text = m_s.mid(m_i + 1, end - m_i - 1);
            m_i = end + 1;
            return quoted(text);
        }
        const qsizetype start = m_i;
        while (m_i < m_s.size() && m_s[m_i] != u',' && m_s[m_i] != u'}' && m_s[m_i] != u']' &&
               !(key && m_s[m_i] == u':'))
            ++m_i;
        const QString text = m_s.mid(start, m_i - start).trimmed();
        if (key)
            return quoted(text);
        static const QRegularExpression number(QStringLiteral("^-?[0-9]+$"));
        if (number.match(text).hasMatch() || text == u"true" || text == u"false" || text == u"null")
            return text;
        return quoted(text);
    }
    static QString quoted(const QString &text)
    {
        QString out = QStringLiteral("\"");
        for (QChar c : text) {
            if (c == u'"' || c == u'\\')
                out += u'\\';
            out += c;
        }
        return out + u'"';
    }
    QString value()
    {
        skip();
        if (m_i >= m_s.size()) {
            m_ok = false;
            return {};
        }
        const QChar open = m_s[m_i];
        if (open != u'{' && open != u'[')
            return scalar(false);
        const QChar close = open == u'{' ? u'}' : u']';
        ++m_i;
        QString out(open);
        skip();
        if (m_i < m_s.size() && m_s[m_i] == close) {
            ++m_i;
            return out + close;
        }
        while (m_ok) {
            if (open == u'{') {
                out += scalar(true);
                skip();
                if (m_i >= m_s.size() || m_s[m_i] != u':') {
                    m_ok = false;
                    break;
                }
                ++m_i;
                out += u':';
            }
            out += value();
            skip();
            if (m_i < m_s.size() && m_s[m_i] == u',') {
                ++m_i;
                out += u',';
                continue;
            }
            if (m_i < m_s.size() && m_s[m_i] == close) {
                ++m_i;
                return out + close;
            }
            m_ok = false;
        }
        return {};
    }

    QString m_s;
    qsizetype m_i = 0;
    bool m_ok = true;
};

inline Object fromYaml(const QString &yaml)
{
    Object out;
    const QString json = FlowToJson(yaml).run();
    if (json.isEmpty()) {
        qWarning("bad flow YAML: %s", qPrintable(yaml));
        return out;
    }
    const kubist::api::Scheme &scheme = kubist::api::Scheme::builtin();
    auto decoded = kubist::api::JsonCodec::decodeAny(json.toStdString(), scheme.resolver(),
                                                     kubist::api::JsonDecodeOptions{true});
    if (!decoded) {
        qWarning("bad object: %s", decoded.status().toString().c_str());
        return out;
    }
    out.message.reset(*decoded);
    out.kind = scheme.byDescriptor(out.message->GetDescriptor());
    return out;
}

} // namespace testobjects
