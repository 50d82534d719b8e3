#pragma once

// TcpProxy: a loopback TCP relay for tests that need a connection to fail on
// cue — to drop every connection, to refuse new ones for a while, to go
// silent without closing, or to follow a server that restarted on another
// port. Bytes pass through untouched (TLS included). With setHttpConnect it
// is an HTTP proxy instead: each connection starts with "CONNECT host:port"
// (127.0.0.1 only) and is then relayed to that port. It runs on a thread of
// its own; every function is thread-safe and returns once done.

#include <QHostAddress>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

class TcpProxy final
{
public:
    TcpProxy()
    {
        m_thread.setObjectName(QStringLiteral("tcp-proxy"));
        m_worker = new QObject;
        m_worker->moveToThread(&m_thread);
        m_thread.start();
        run([this] {
            m_server = new QTcpServer(m_worker);
            QObject::connect(m_server, &QTcpServer::newConnection, m_worker, [this] { accept(); });
            m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
        });
    }
    ~TcpProxy()
    {
        run([this] {
            dropAllNow();
            delete m_server;
        });
        m_thread.quit();
        m_thread.wait();
        delete m_worker;
    }
    TcpProxy(const TcpProxy &) = delete;
    TcpProxy &operator=(const TcpProxy &) = delete;

    quint16 port() const { return m_port; }
    void setTarget(quint16 port) { m_target = port; }
    // Closes every relayed connection now (both sides).
    void dropAll()
    {
        run([this] { dropAllNow(); });
    }
    // While refusing, new connections are accepted and closed at once.
    void setRefusing(bool refusing) { m_refusing = refusing; }
    // While stalled, nothing is relayed (connections stay open, silent).
    void setStalled(bool stalled)
    {
        m_stalled = stalled;
        if (!stalled)
            run([this] { pumpAll(); });
    }
    void setHttpConnect(bool on) { m_httpConnect = on; }
    int accepted() const { return m_accepted.load(); }
    int tunnels() const { return m_tunnels.load(); }
    QString lastConnectTarget()
    {
        QString t;
        run([&] { t = m_lastConnect; });
        return t;
    }
    int open() const
    {
        int n = 0;
        const_cast<TcpProxy *>(this)->run([&] { n = int(m_pairs.size()); });
        return n;
    }

private:
    struct Pair
    {
        QPointer<QTcpSocket> downstream;
        QPointer<QTcpSocket> upstream;
        QByteArray request; // CONNECT mode: the request head read so far
        bool tunnelled = false;
    };

    template<class F> void run(F f)
    {
        if (QThread::currentThread() == &m_thread)
            f();
        else
            QMetaObject::invokeMethod(m_worker, f, Qt::BlockingQueuedConnection);
    }

    void accept()
    {
        while (QTcpSocket *down = m_server->nextPendingConnection()) {
            ++m_accepted;
            down->setParent(m_worker);
            if (m_refusing) {
                down->abort();
                down->deleteLater();
                continue;
            }
            auto *up = new QTcpSocket(m_worker);
            auto pair = std::make_shared<Pair>(Pair{down, up, {}, false});
            m_pairs.push_back(pair);
            auto pump = [this, pair] { pumpPair(*pair); };
            QObject::connect(down, &QTcpSocket::readyRead, m_worker, pump);
            QObject::connect(up, &QTcpSocket::readyRead, m_worker, pump);
            QObject::connect(up, &QTcpSocket::connected, m_worker, [this, pair] {
                if (m_httpConnect && pair->downstream)
                    pair->downstream->write("HTTP/1.1 200 Connection established\r\n\r\n");
                pumpPair(*pair);
            });
            auto close = [this, pair] { closePair(pair); };
            QObject::connect(down, &QTcpSocket::disconnected, m_worker, close);
            QObject::connect(up, &QTcpSocket::disconnected, m_worker, close);
            QObject::connect(up, &QTcpSocket::errorOccurred, m_worker, close);
            if (!m_httpConnect)
                up->connectToHost(QHostAddress::LocalHost, m_target.load());
        }
    }

    // CONNECT mode: reads the request head; once whole, connects upstream.
    bool readConnect(Pair &p)
    {
        if (p.tunnelled)
            return true;
        p.request += p.downstream->readAll();
        const qsizetype end = p.request.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> words = p.request.left(p.request.indexOf("\r\n")).split(' ');
        p.tunnelled = true;
        const QByteArray target = words.size() >= 2 ? words[1] : QByteArray();
        m_lastConnect = QString::fromLatin1(target);
        const qsizetype colon = target.lastIndexOf(':');
        if (words.value(0) != "CONNECT" || !target.startsWith("127.0.0.1:") || colon < 0) {
            p.downstream->write("HTTP/1.1 403 Forbidden\r\n\r\n");
            p.downstream->disconnectFromHost();
            return false;
        }
        ++m_tunnels;
        p.upstream->connectToHost(QHostAddress::LocalHost, target.mid(colon + 1).toUShort());
        return false; // relaying starts once connected
    }

    void pumpPair(Pair &p)
    {
        if (m_httpConnect && p.downstream && !p.tunnelled && !readConnect(p))
            return;
        if (m_stalled || !p.downstream || !p.upstream ||
            p.upstream->state() != QAbstractSocket::ConnectedState)
            return;
        if (p.downstream->bytesAvailable())
            p.upstream->write(p.downstream->readAll());
        if (p.upstream->bytesAvailable())
            p.downstream->write(p.upstream->readAll());
    }

    void pumpAll()
    {
        for (const auto &p : m_pairs)
            pumpPair(*p);
    }

    void closePair(const std::shared_ptr<Pair> &p)
    {
        // Flush what the upstream already sent before closing downstream.
        if (p->upstream && p->downstream && !m_stalled && p->upstream->bytesAvailable())
            p->downstream->write(p->upstream->readAll());
        if (p->downstream) {
            p->downstream->disconnect(m_worker);
            p->downstream->disconnectFromHost();
            p->downstream->deleteLater();
        }
        if (p->upstream) {
            p->upstream->disconnect(m_worker);
            p->upstream->abort();
            p->upstream->deleteLater();
        }
        std::erase(m_pairs, p);
    }

    void dropAllNow()
    {
        const std::vector<std::shared_ptr<Pair>> pairs = m_pairs;
        for (const auto &p : pairs) {
            if (p->downstream)
                p->downstream->abort();
            closePair(p);
        }
    }

    QThread m_thread;
    QObject *m_worker = nullptr;
    QTcpServer *m_server = nullptr; // proxy thread
    quint16 m_port = 0;
    std::atomic<quint16> m_target{0};
    std::atomic<bool> m_refusing{false};
    std::atomic<bool> m_stalled{false};
    std::atomic<int> m_accepted{0};
    std::atomic<bool> m_httpConnect{false};
    std::atomic<int> m_tunnels{0};
    QString m_lastConnect;                      // proxy thread
    std::vector<std::shared_ptr<Pair>> m_pairs; // proxy thread
};
