// ragdr: the command line. See cli.h.
#include "cli.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <memory>

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    std::unique_ptr<QCoreApplication> app;
    if (ragdr::cli::Cli::needsGui(arguments)) {
        // No window is ever shown: the offscreen platform needs no display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("ragdr"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));
    return ragdr::cli::Cli::run(QCoreApplication::arguments());
}
