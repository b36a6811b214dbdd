// ragdr: the command line. See core/cli/cli.h.
#include "core/cli/cli.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ragdr"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));
    return ragdr::core::Cli::run(QCoreApplication::arguments());
}
