// ragdr-console: the incident console. See ui/mainwindow/mainwindow.h.
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ragdr"));
    QApplication::setApplicationName(QStringLiteral("ragdr-console"));
    QApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The ragdr incident console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profileOption(QStringLiteral("profile"), QStringLiteral("The profile to open."),
                                           QStringLiteral("FILE"));
    parser.addOption(profileOption);
    parser.process(app);

    ragdr::ui::MainWindow window;
    const QString profile = parser.isSet(profileOption)
                                ? parser.value(profileOption)
                                : QSettings().value(QStringLiteral("console/lastProfile")).toString();
    if (!profile.isEmpty())
        window.openProfile(profile);
    window.show();
    return app.exec();
}
