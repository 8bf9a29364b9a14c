#define BOOST_TEST_MODULE kiln_parser
#include <boost/test/unit_test.hpp>
