// ragdr-console: the incident console. See ui/mainwindow/mainwindow.h.
#include "core/secrets/sessionkeys.h"
#include "ui/mainwindow/consoleprobe.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QPalette>
#include <QSettings>
#include <QStyleFactory>

namespace {

// Fusion with a dark palette, for a night on call; the status colours read on both.
void useDarkPalette(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button,
               QColor(0x3c, 0x3f, 0x43)); // lighter than the window: a checked button reads darker
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x96));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x7a, 0x7d, 0x84));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x7a, 0x7d, 0x84));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x7a, 0x7d, 0x84));
    app.setPalette(p);
}

struct Options
{
    QCommandLineOption profile{QStringLiteral("profile"),
                               QStringLiteral("The profile to open."),
                               QStringLiteral("FILE")};
    QCommandLineOption dark{QStringLiteral("dark"), QStringLiteral("Use a dark palette.")};
    QCommandLineOption sessionKey{QStringLiteral("session-key"),
                                  QStringLiteral(
                                      "Read the keychain entry NAME's key from stdin "
                                      "and hold it for this session only (no keychain)."),
                                  QStringLiteral("NAME")};
};

void describe(QCommandLineParser &parser, const Options &options)
{
    QCoreApplication::setOrganizationName(QStringLiteral("ragdr"));
    QCoreApplication::setApplicationName(QStringLiteral("ragdr-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));
    parser.setApplicationDescription(QStringLiteral("The ragdr incident console."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(options.profile);
    parser.addOption(options.dark);
    parser.addOption(options.sessionKey);
}

// --help and --version answer without a display (over ssh, in a terminal without X).
bool onlyAsksForText(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v"
            || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options;
    QCommandLineParser parser;
    if (onlyAsksForText(argc, argv)) {
        QCoreApplication text(argc, argv);
        describe(parser, options);
        parser.process(text); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    describe(parser, options);
    parser.process(app);
    if (parser.isSet(options.dark) || QSettings().value(QStringLiteral("console/dark")).toBool())
        useDarkPalette(app);

    if (parser.isSet(options.sessionKey)) {
        // From stdin, never from the arguments or the environment, where others could read it.
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            ragdr::core::SessionKeys::set(parser.value(options.sessionKey), in.readLine().trimmed());
    }

    ragdr::ui::MainWindow window;
    ragdr::ui::ConsoleProbe::fromEnvironment(&window); // owned by the window; usually none
    const QString profile
        = parser.isSet(options.profile)
              ? parser.value(options.profile)
              : QSettings().value(QStringLiteral("console/lastProfile")).toString();
    if (!profile.isEmpty())
        window.openProfileAfterFirstPaint(profile);
    window.show();
    return app.exec();
}
