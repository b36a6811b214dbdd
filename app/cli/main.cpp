// ragdr: the command line. See cli.h.
#include "cli.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ragdr"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));
    return ragdr::cli::Cli::run(QCoreApplication::arguments());
}
