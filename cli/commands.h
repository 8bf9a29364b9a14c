// The kiln command's subcommands that deal with images (cli/image_commands.cpp).
#pragma once

#include <string>

namespace kiln {

int compileCommand(int argc, char** argv);
int runCommand(int argc, char** argv);
int inspectCommand(int argc, char** argv);
// When this executable carries an image (a --bundle), runs it and returns
// its exit status; otherwise returns -1.
int runBundledImage(int argc, char** argv);

// The path of the running executable.
std::string selfPath();

}  // namespace kiln
